/** Page objects: what a voter and a reader do, in the words of the page (roles and labels). */
import type { Locator, Page } from 'playwright-core';

export class PollPage {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  async open(slug: string) {
    await this.page.goto(`${this.base}/polls/${slug}`);
  }

  question(text: string): Locator {
    return this.page.getByRole('group', { name: text });
  }

  async choose(label: string) {
    await this.page.getByLabel(label, { exact: true }).check();
  }

  async vote() {
    await this.page.getByRole('button', { name: 'Vote' }).click();
  }
}

export class ResultsPage {
  constructor(readonly page: Page) {}

  table(): Locator {
    return this.page.getByRole('table', { name: /^Results from/ });
  }

  /** The row of an option; its header may also carry the "Your choice" tag. */
  row(label: string): Locator {
    const name = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( Your choice)?$`);
    return this.page.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name }) });
  }

  chart(): Locator {
    return this.page.getByRole('img', { name: /Bar chart of shares/ });
  }
}
