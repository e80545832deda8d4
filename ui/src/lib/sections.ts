/** The app's sections, in the order of the navigation. */
export const SECTIONS = ['wallet', 'import', 'qualifications', 'share', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];
