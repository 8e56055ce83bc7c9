/** Registration module for logging (imported once by src/modules.ts): keywords, post-check, service. */
import './keywords';
import './service';
