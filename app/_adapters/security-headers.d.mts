/** The headers every response carries (security-headers.mjs). */
export declare const securityHeaders: readonly { key: string; value: string }[];
