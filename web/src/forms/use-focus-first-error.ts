// After a failed save, once the server's errors are rendered, focus moves to the first field in error (else to
// the form's error list), so a keyboard or screen reader user lands on what to fix.
import { useEffect, useRef } from 'react';

/** `errorSerial` is bumped on each failed save; returns the ref for the `<form>`. */
export function useFocusFirstError(errorSerial: number) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (errorSerial === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (first ?? formRef.current?.querySelector<HTMLElement>('.form-errors'))?.focus();
  }, [errorSerial]);
  return formRef;
}
