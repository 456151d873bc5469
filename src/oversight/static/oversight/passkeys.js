// Passkeys and security keys (WebAuthn): the browser's side of adding one and of signing in with
// one. The server makes the challenge and checks the answer (oversight/accounts/passkeys.py).
// A button carries data-passkey ("register" or "sign-in"), data-options and data-finish (URLs);
// it lives in a form holding the CSRF token (and "name" or "next").

const toBuffer = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
};
const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function post(url, body, csrf) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  return response.json();
}

async function register(options) {
  options.challenge = toBuffer(options.challenge);
  options.user.id = toBuffer(options.user.id);
  options.excludeCredentials = (options.excludeCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) }));
  const credential = await navigator.credentials.create({ publicKey: options });
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

async function signIn(options) {
  options.challenge = toBuffer(options.challenge);
  options.allowCredentials = (options.allowCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) }));
  const credential = await navigator.credentials.get({ publicKey: options });
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: toText(response.authenticatorData),
      clientDataJSON: toText(response.clientDataJSON),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null,
    },
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

for (const button of document.querySelectorAll("[data-passkey]")) {
  if (!window.PublicKeyCredential) continue;
  const form = button.form;
  const status = document.getElementById(button.dataset.status);
  button.closest("[hidden]")?.removeAttribute("hidden");
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const field = (name) => form.querySelector(`[name=${name}]`)?.value || "";
    status.textContent = "";
    try {
      const options = await post(button.dataset.options, {}, csrf);
      const registering = button.dataset.passkey === "register";
      const credential = registering ? await register(options) : await signIn(options);
      const result = await post(button.dataset.finish, { credential, name: field("name"), next: field("next") }, csrf);
      if (result.redirect) {
        window.location.assign(result.redirect);
      } else {
        status.textContent = result.detail;
      }
    } catch (error) {
      status.textContent = "The passkey was not used. Try again, or use a code instead.";
    }
  });
}
