// Data shaped like the Rust side's answers, for the unit tests. Only tests import this file.

import type {
  CredentialDetail,
  CredentialSummary,
  MicroCredential,
  Step,
  Verification,
} from '$lib/api';

export function summary(id: string, extra: Partial<CredentialSummary> = {}): CredentialSummary {
  return {
    id,
    title: `Course ${id}`,
    issuer: 'Universität Beispielstadt',
    issuerId: 'did:key:z6Mkexample',
    issued: '2025-03-01T00:00:00Z',
    ects: 5,
    eqfLevel: 6,
    verdict: 'valid',
    format: 'open-badges3',
    forced: false,
    checkedAt: '2025-06-01T10:00:00Z',
    unconfirmedIssuer: false,
    ...extra,
  };
}

export function microCredential(extra: Partial<MicroCredential> = {}): MicroCredential {
  return {
    id: 'urn:uuid:1',
    types: ['VerifiableCredential', 'OpenBadgeCredential'],
    learner: { id: 'did:example:ana', name: 'Ana Novak', country: null },
    title: 'Data Analytics',
    description: 'Cleaning, exploring and modelling data.',
    issuer: { id: 'did:key:z6Mkexample', name: 'Universität Beispielstadt', country: 'DE' },
    awardingBodies: [],
    issued: '2025-03-01T00:00:00Z',
    validFrom: '2025-03-01T00:00:00Z',
    validUntil: null,
    learningOutcomes: ['Clean a data set', 'Fit a linear model'],
    ects: 5,
    workloadHours: 125,
    eqfLevel: 6,
    qfEheaCycle: null,
    assessmentType: 'Supervised written exam',
    participationForm: 'Online',
    qualityAssurance: null,
    prerequisites: null,
    supervision: null,
    grade: '1.7',
    gradeLabel: null,
    gradeScale: null,
    stackability: null,
    furtherInformation: null,
    skills: [{ name: 'data analysis', uri: 'http://data.europa.eu/esco/skill/1', framework: 'ESCO' }],
    keywords: ['statistics'],
    language: 'en',
    achievementType: 'MicroCredential',
    achievementId: 'https://uni.example/da',
    annexMissing: ['awardingBody', 'qualityAssurance'],
    image: null,
    ...extra,
  };
}

export const PASSING_STEPS: Step[] = [
  { step: 'format', status: 'pass', message: 'Recognised as Open Badges 3.0.' },
  { step: 'proof', status: 'pass', message: 'The signature matches.' },
  { step: 'issuer-identity', status: 'pass', message: 'The issuer signed it.' },
  { step: 'dates', status: 'pass', message: 'It is within its dates.' },
  { step: 'status', status: 'skip', message: 'It names no status list.' },
  { step: 'eu-elements', status: 'warn', message: '9 of 11 elements.' },
];

/** A genuine credential whose validity ended on 3 May 2025: every proof and issuer step passes. */
export const EXPIRED_STEPS: Step[] = [
  { step: 'format', status: 'pass', message: 'Recognised as Open Badges 3.0.' },
  { step: 'proof', status: 'pass', message: 'The signature matches.' },
  { step: 'issuer-identity', status: 'pass', message: 'The issuer signed it.' },
  {
    step: 'dates',
    status: 'fail',
    message: 'Expired on 3 May 2025.',
    lapse: { kind: 'expired', date: '2025-05-03T00:00:00Z' },
  },
  { step: 'status', status: 'pass', message: 'Not revoked.' },
  { step: 'eu-elements', status: 'warn', message: '9 of 11 elements.' },
];

export function verification(extra: Partial<Verification> = {}): Verification {
  return {
    verdict: 'valid',
    format: 'open-badges3',
    steps: PASSING_STEPS,
    credential: microCredential(),
    checkedAt: '2025-06-01T10:00:00Z',
    ...extra,
  };
}

export function detail(
  id: string,
  v: Verification = verification(),
  extra: { forced?: boolean; original?: string; embedded?: Verification[] } = {},
): CredentialDetail {
  const withEmbedded = extra.embedded ? { ...v, embedded: extra.embedded } : v;
  return {
    record: {
      id,
      credentialId: v.credential.id,
      importedAt: '2025-06-01T09:00:00Z',
      source: '/home/ana/Downloads/da.json',
      forced: extra.forced ?? false,
      verification: withEmbedded,
    },
    original: extra.original ?? '{"name": "Data Analytics"}',
  };
}
