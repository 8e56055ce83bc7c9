/** Registration module of multi-core support (`nbthread`): the coordinator service and `show threads`. */
import './coordinator';
import './commands';
