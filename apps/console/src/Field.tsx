import { ReactNode } from 'react';
import { FieldError } from './api';

/** A labelled control with the API's message for it beside it (`details` of a 400, matched by field path). */
export function Field({ label, field, errors, children }: { label: string; field: string; errors: FieldError[]; children: ReactNode }) {
  const mine = errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
  return (
    <label className={mine.length ? 'field invalid' : 'field'}>
      {label}
      {children}
      {mine.map((e) => (
        <span key={e.field + e.message} className="field-error" data-field={e.field}>
          {e.message}
        </span>
      ))}
    </label>
  );
}
