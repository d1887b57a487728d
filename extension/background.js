// inmail-lint's extension, service worker: the only part that talks to the server. It reads the address and
// token the user paired in the options page, and sends a draft's text to inmail-lint web on 127.0.0.1 (never
// anywhere else: the manifest's host permission is 127.0.0.1 alone).
"use strict";

const TOKEN_HEADER = "X-Inmail-Lint-Token";
let selectors = null;

async function settings() {
  const { server, token } = await chrome.storage.local.get(["server", "token"]);
  return { server: server || "", token: token || "" };
}

// the server's address, only ever a loopback http origin with a port
function serverOrigin(value) {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" || url.hostname !== "127.0.0.1" || !url.port) return null;
    return url.origin;
  } catch (error) {
    return null;
  }
}

async function call(route, payload) {
  const { server, token } = await settings();
  const origin = serverOrigin(server);
  if (!origin || !token) return { problem: "unpaired" };
  let answer;
  try {
    answer = await fetch(`${origin}${route}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", [TOKEN_HEADER]: token },
      body: JSON.stringify(payload),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    return { problem: "down", server: origin };
  }
  const body = await answer.json().catch(() => ({}));
  if (answer.status === 403) return { problem: "refused", message: body.error || "refused" };
  if (!answer.ok) return { problem: "error", message: body.error || `HTTP ${answer.status}` };
  return { result: body };
}

async function loadSelectors() {
  if (!selectors) selectors = await (await fetch(chrome.runtime.getURL("selectors.json"))).json();
  return selectors;
}

function badge(tabId, reply) {
  if (tabId === undefined) return;
  const shown = reply.result ? String(reply.result.diagnostics.length || "") : "!";
  chrome.action.setBadgeText({ tabId, text: shown });
  chrome.action.setBadgeBackgroundColor({ tabId, color: reply.result ? "#0a5dc2" : "#b3261e" });
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  const tabId = sender.tab ? sender.tab.id : undefined;
  if (message.type === "selectors") {
    loadSelectors().then(reply);
  } else if (message.type === "lint" || message.type === "fix") {
    const route = message.type === "lint" ? "/api/lint" : "/api/fix";
    call(route, message.draft).then((answer) => { badge(tabId, answer); reply(answer); });
  } else if (message.type === "pair") {
    call("/api/lint", { subject: "", body: "" }).then(reply);
  } else {
    return false;
  }
  return true; // the reply comes later
});
