/** Registration module for logging (imported once by src/modules.ts): keywords, ring section, post-check, CLI, service. */
import './keywords';
import './ring-section';
import './commands';
import './service';
