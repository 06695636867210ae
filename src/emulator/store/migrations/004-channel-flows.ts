/** Migration 4: channel flows and message processing state. */
export const CHANNEL_FLOWS = `
  SELECT 1;
`;
