/** `npm run build`: the production build (Next, and the HTTP server bundled; scripts/build-fingerprint.ts). */
import { buildVigil } from './build-fingerprint';

process.exit(buildVigil() ? 0 : 1);
