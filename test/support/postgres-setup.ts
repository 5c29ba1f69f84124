/** Global setup of the `postgres` project: the migrated template every test database is copied from. */
import { prepareTemplate } from './postgres';

export default async function setup(): Promise<void> {
  await prepareTemplate();
}
