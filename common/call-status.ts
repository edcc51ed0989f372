/** The customer's `call_status` Enum8 names, in enum order. */
export const CALL_STATUSES = ['Answered', 'Missed', 'Rejected', 'Hangup', 'Voicemail'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export function isCallStatus(value: string): value is CallStatus {
  return (CALL_STATUSES as readonly string[]).includes(value);
}
