// Which qualification the learner has open, kept while the app runs, so that coming back to
// the Qualifications section (for instance after opening a counted credential) shows it again.

export const qualificationView = $state<{ selected: string | null }>({ selected: null });

export function resetQualificationView(): void {
  qualificationView.selected = null;
}
