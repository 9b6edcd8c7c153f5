/** What the public pages need to know about where they are served; read once per cold start. */
import { readConfig } from '../../shared/config';
import type { SiteContext } from '../../shared/templates/pages';

const config = readConfig(['DPO_ADDRESS', 'PUBLIC_BASE_URL']);

export const site: SiteContext = {
  basePath: new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''),
  dpoAddress: config.DPO_ADDRESS,
};
