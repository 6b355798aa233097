// Contracts of mcp-policy: one folder per message (subject, validated request class, reply type).
export {};
