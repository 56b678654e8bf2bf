/** A template that does not compile or does not render. Never crashes a caller. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}
