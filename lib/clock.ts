/** Time is injected so lockouts, session expiry and seed output can be tested deterministically. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
