// Passkeys on Flagstone's pages: signing in (or stepping up) with one, and adding one to an
// account. Progressive enhancement: without JavaScript or WebAuthn, the block stays hidden and
// the password (and code) still work. The ceremonies are SimpleWebAuthn's (webauthn.js).
const { browserSupportsWebAuthn, startAuthentication, startRegistration } = window.SimpleWebAuthnBrowser;

async function post(url, csrf, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'csrf-token': csrf },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail || 'Something went wrong. Try again.');
  return answer;
}

const ceremonies = {
  async 'sign-in'(block, csrf) {
    const optionsJSON = await post('/sign-in/passkey/options', csrf, {});
    const response = await startAuthentication({ optionsJSON });
    return post('/sign-in/passkey', csrf, { response, next: block.dataset.next });
  },
  async register(block, csrf) {
    const optionsJSON = await post('/account/passkeys/options', csrf, {});
    const response = await startRegistration({ optionsJSON });
    const name = block.querySelector('input[name="passkey-name"]')?.value ?? '';
    return post('/account/passkeys', csrf, { response, name });
  },
};

for (const block of document.querySelectorAll('[data-passkey]')) {
  const ceremony = ceremonies[block.dataset.passkey];
  if (!ceremony || !browserSupportsWebAuthn()) continue;
  block.hidden = false;
  const error = block.querySelector('[data-passkey-error]');
  const button = block.querySelector('button');
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      const { next } = await ceremony(block, block.dataset.csrf);
      window.location.assign(next);
    } catch (problem) {
      error.textContent =
        problem.name === 'NotAllowedError' ? 'The passkey was not used. Try again.' : problem.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
}
