/** Type guards for parsed JSON: one home, used by the validator and the dataset steps. */
export type JsonObject = Record<string, unknown>;

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Own property test that also works on objects without a prototype and with a `hasOwnProperty` key. */
export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
