import { LabeledSelect } from './labeled-select';

/** The queues' assignee filter (alerts and reports): me, nobody, or one staff member. */
export function AssigneeFilter({
  id,
  value,
  staff,
}: {
  id: string;
  value?: string;
  staff: { id: string; name: string }[];
}) {
  return (
    <LabeledSelect
      id={id}
      name="assignee"
      label="Assignee"
      value={value}
      options={[
        { value: 'me', label: 'Me' },
        { value: 'unassigned', label: 'Unassigned' },
        ...staff.map((s) => ({ value: s.id, label: s.name })),
      ]}
    />
  );
}
