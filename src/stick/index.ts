/** Stick tables: registration entry (imported by src/proxy/http/rules/index.ts). */
export {};
