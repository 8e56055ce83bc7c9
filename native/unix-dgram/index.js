'use strict';
// Loads the addon built by `node-gyp rebuild` (npm runs it at install time).
module.exports = require('./build/Release/unix_dgram.node');
