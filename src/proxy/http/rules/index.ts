/**
 * Registration entry of HTTP rules, error pages and stick tables (one import in
 * src/modules.ts). Order matters only for the hook installers: the error-page table of a
 * proxy is built before the rules that answer with it, rules before `redirect` rules
 * (HAProxy runs `http-request` rules first), stick tables before the rules tracking them.
 */

import '../errors-config';
import '../../../stick/index';
import './actions-header';
import './actions-uri';
import './actions-reply';
import './actions-misc';
import './capture';
import './userlist';
import './keywords';
import './proxy-keywords';
