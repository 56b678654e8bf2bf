import pkg from '../../../package.json';

/** Hookline's version, as sent in `User-Agent: Hookline/<version>`. */
export const HOOKLINE_VERSION: string = pkg.version;
