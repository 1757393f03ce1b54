import { ApiError } from '../api/errors';
import { isFormKey } from '../brands/brand-draft';
import { clearChangedFields, formErrorsOf } from './field-errors';

const validation = (details: { path: string; message: string }[]) =>
  new ApiError({ kind: 'http', status: 400, code: 'validation_failed', message: 'Invalid body', details });

describe('formErrorsOf', () => {
  it('puts each issue on the field its path names', () => {
    const e = formErrorsOf(
      validation([
        { path: 'body.name', message: 'Too small' },
        { path: 'body.aliases.1.text', message: 'Too big' },
        { path: 'body.domains.0', message: 'must be a domain name like acme.com' },
      ]),
      isFormKey,
    );
    expect(Object.fromEntries(e.fields)).toEqual({
      name: ['Too small'],
      'aliases.1.text': ['Too big'],
      'domains.0': ['must be a domain name like acme.com'],
    });
    expect(e.form).toEqual([]);
  });

  it('shows an issue on an unknown key on its nearest known parent, else on the form', () => {
    const e = formErrorsOf(
      validation([
        { path: 'body.aliases.0.regex', message: 'Unrecognized key' },
        { path: 'body.colour', message: 'Unrecognized key' },
      ]),
      isFormKey,
    );
    expect(Object.fromEntries(e.fields)).toEqual({ 'aliases.0': ['Unrecognized key'] });
    expect(e.form).toEqual(['colour: Unrecognized key']);
  });

  it('keeps a non-validation error for the form', () => {
    const e = formErrorsOf(
      new ApiError({ kind: 'http', status: 422, code: 'limit_exceeded', message: 'At most 100 brands' }),
      isFormKey,
    );
    expect(e.fields.size).toBe(0);
    expect(e.form).toEqual(['At most 100 brands']);
  });

  it('puts a conflict that names its field (a taken name) on that field', () => {
    const message = 'The workspace already has a project named "A"';
    const e = formErrorsOf(
      new ApiError({
        kind: 'http',
        status: 409,
        code: 'conflict',
        message,
        details: [{ path: 'body.name', message }],
      }),
      (k) => k === 'name',
    );
    expect(Object.fromEntries(e.fields)).toEqual({ name: [message] });
    expect(e.form).toEqual([]);
  });

  it('drops the messages of fields whose value changed, keeps the others', () => {
    const errors = {
      fields: new Map([
        ['params.windowHours', ['expected number']],
        ['name', ['too small']],
      ]),
      form: ['At most 50 rules'],
    };
    const before = { name: '', params: { windowHours: 'a week' } };
    const after = { name: '', params: { windowHours: '24' } };
    const e = clearChangedFields(errors, before, after);
    expect(Object.fromEntries(e.fields)).toEqual({ name: ['too small'] });
    expect(e.form).toEqual(['At most 50 rules']);
    expect(clearChangedFields(errors, before, { ...before })).toBe(errors);
  });
});
