import { Faker, base, en } from '@faker-js/faker';

/** An answered call's transcript; `opening` is its first exchange, used for calls the customer hung up on. */
export interface Dialogue {
  readonly text: string;
  readonly opening: string;
  readonly keywords: readonly string[];
  /** The call's mood in [-1, 1]; rows add noise around it. */
  readonly sentiment: number;
}
export interface Voicemail {
  readonly text: string;
  readonly keywords: readonly string[];
}
/** The texts rows pick from: a few hundred, so the whole pool fits in one INSERT statement. */
export interface TextPool {
  readonly dialogues: readonly Dialogue[];
  readonly voicemails: readonly Voicemail[];
}

interface Topic {
  readonly keywords: readonly string[];
  readonly mood: number;
  readonly ask: (f: Faker) => string;
  readonly answer: (f: Faker) => string;
}

const TOPICS: readonly Topic[] = [
  {
    keywords: ['billing', 'invoice', 'refund'],
    mood: -0.2,
    ask: (f) => `I was charged ${f.finance.amount({ min: 20, max: 400, symbol: '$' })} twice on my last invoice.`,
    answer: () => 'I can see the duplicate charge, and I have issued a refund to your card.',
  },
  {
    keywords: ['delivery', 'order', 'tracking'],
    mood: -0.1,
    ask: (f) => `My order ${f.string.numeric(8)} was due on ${f.date.weekday()} and it still hasn't arrived.`,
    answer: (f) => `The parcel is with the courier and should reach you by ${f.date.weekday()}.`,
  },
  {
    keywords: ['technical support', 'internet', 'router'],
    mood: -0.3,
    ask: (f) => `My ${f.commerce.productName()} keeps dropping the internet connection.`,
    answer: () => 'I have reset the line from our side; please restart the router once.',
  },
  {
    keywords: ['cancellation', 'subscription', 'contract'],
    mood: -0.4,
    ask: () => 'I would like to cancel my subscription at the end of this month.',
    answer: (f) =>
      `I can do that; as a thank-you I could offer ${f.number.int({ min: 2, max: 6 })} months at half price if you stay.`,
  },
  {
    keywords: ['upgrade', 'plan', 'pricing'],
    mood: 0.3,
    ask: (f) => `I'd like to upgrade to the ${f.commerce.productAdjective()} plan.`,
    answer: (f) =>
      `Done, the new plan is ${f.finance.amount({ min: 10, max: 90, symbol: '$' })} a month from your next bill.`,
  },
  {
    keywords: ['password', 'account', 'login'],
    mood: 0.1,
    ask: () => "I can't log in to my account since I changed my phone.",
    answer: (f) => `I have sent a reset link to ${f.internet.email()}.`,
  },
  {
    keywords: ['appointment', 'reschedule', 'technician'],
    mood: 0.2,
    ask: (f) => `Can I move the technician visit to ${f.date.weekday()} afternoon?`,
    answer: (f) => `Of course, ${f.person.firstName()} will be there between two and four.`,
  },
  {
    keywords: ['complaint', 'escalation', 'manager'],
    mood: -0.6,
    ask: () => 'I have called three times about the same problem and nobody has fixed it.',
    answer: () => 'I am sorry; I have escalated this to my manager, who will call you back today.',
  },
  {
    keywords: ['payment', 'card', 'due date'],
    mood: 0,
    ask: (f) => `Can I pay the ${f.finance.amount({ min: 30, max: 250, symbol: '$' })} balance with a new card?`,
    answer: () => 'Yes, the payment went through and your account is up to date.',
  },
  {
    keywords: ['address change', 'account', 'moving'],
    mood: 0.2,
    ask: (f) => `I'm moving to ${f.location.city()} next month and need to update my address.`,
    answer: () => 'The new address is saved and your service moves with you.',
  },
];

const OUTCOMES = [
  { keyword: 'resolved', mood: 0.4, close: "That's perfect, thank you so much." },
  { keyword: 'follow-up', mood: 0, close: "Okay, I'll wait for the email then." },
  { keyword: 'unresolved', mood: -0.45, close: "That doesn't really help me. I'm not happy with this." },
] as const;

function dialogue(f: Faker, company: string): Dialogue {
  const topic = f.helpers.arrayElement(TOPICS);
  const outcome = f.helpers.arrayElement(OUTCOMES);
  const greeting = `Agent: Thank you for calling ${company}, my name is ${f.person.firstName()}. How can I help you today?`;
  const opening = `${greeting} Customer: Hi, this is ${f.person.fullName()}.`;
  const text = `${opening} ${topic.ask(f)} Agent: ${topic.answer(f)} Customer: ${outcome.close} Agent: Thank you for calling, have a good day.`;
  const keywords = [...f.helpers.arrayElements(topic.keywords, { min: 1, max: 3 }), outcome.keyword];
  const sentiment = Math.max(
    -0.95,
    Math.min(0.95, topic.mood + outcome.mood + f.number.float({ min: -0.15, max: 0.15 })),
  );
  return { text, opening: `${opening} [call disconnected]`, keywords, sentiment: Math.round(sentiment * 100) / 100 };
}

function voicemail(f: Faker, company: string): Voicemail {
  const topic = f.helpers.arrayElement(TOPICS);
  const name = f.person.fullName();
  const text = `Voicemail: Hi, this is ${name}, a ${company} customer. ${topic.ask(f)} Please call me back at ${f.phone.number({ style: 'national' })}. Thanks.`;
  return { text, keywords: ['voicemail', 'callback', topic.keywords[0] ?? 'general'] };
}

/** The same `seed` gives the same pool (for a given @faker-js/faker version). */
export function buildTextPool(seed: number, dialogues = 240, voicemails = 40): TextPool {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const company = f.company.name();
  return {
    dialogues: Array.from({ length: dialogues }, () => dialogue(f, company)),
    voicemails: Array.from({ length: voicemails }, () => voicemail(f, company)),
  };
}
