/** Errors of the command line itself: what the user typed cannot run (exit code 2). */
import { FlowtuneError } from '../core/errors';

export class UsageError extends FlowtuneError {
  constructor(message: string, where: { setting?: string } = {}) {
    super(message, { kind: 'usage', ...where });
    this.name = 'UsageError';
  }
}
