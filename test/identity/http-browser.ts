// For tests only: a small browser over HTTP that keeps cookies, follows redirects one at a
// time and fills in forms, to walk a relying party's sign-in through Flagstone's pages.

export interface Step {
  status: number;
  url: string;
  location?: string;
  body: string;
  /** The page's Content-Security-Policy, when it sent one. */
  csp?: string;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Step> {
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        cookie: this.cookieHeader(),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    this.remember(response);
    const location = response.headers.get('location');
    const csp = response.headers.get('content-security-policy');
    return {
      status: response.status,
      url,
      ...(location ? { location: new URL(location, url).href } : {}),
      ...(csp ? { csp } : {}),
      body: await response.text(),
    };
  }

  /** Follows redirects until a page answers, or until one leaves `origin` (a relying party's callback). */
  async follow(url: string, origin: string, init: { form?: Record<string, string> } = {}): Promise<Step> {
    let step = await this.request(url, init);
    for (let hops = 0; step.location && new URL(step.location).origin === origin; hops++) {
      if (hops > 10) throw new Error('too many redirects');
      step = await this.request(step.location);
    }
    return step;
  }

  /** Submits the first form in the page's main content (its action and hidden fields, plus `fields`). */
  async submit(page: Step, origin: string, fields: Record<string, string>): Promise<Step> {
    const main = page.body.slice(Math.max(0, page.body.indexOf('<main')));
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(main);
    if (!form?.[1]) throw new Error(`no form on ${page.url}`);
    const hidden = Object.fromEntries(
      [...(form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1],
        decodeEntities(m[2] ?? ''),
      ]),
    );
    return this.follow(new URL(decodeEntities(form[1]), page.url).href, origin, {
      form: { ...hidden, ...fields },
    });
  }
}

function decodeEntities(text: string) {
  return text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}
