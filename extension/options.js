// Pairing: the address inmail-lint web printed holds its port and its token (as Jupyter's does); both are kept
// in this extension's storage, and the server must also have been started with --allow-extension <this id>.
"use strict";

const $ = (id) => document.getElementById(id);

function parse(address) {
  let url;
  try { url = new URL(address.trim()); } catch (error) { return null; }
  const token = url.searchParams.get("token");
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1" || !url.port || !token) return null;
  return { server: url.origin, token };
}

async function show() {
  $("extension-id").textContent = chrome.runtime.id;
  const { server } = await chrome.storage.local.get(["server"]);
  $("status").textContent = server ? `Paired with ${server}.` : "Not paired yet.";
}

$("pair").addEventListener("submit", async (event) => {
  event.preventDefault();
  const found = parse($("address").value);
  if (!found) {
    $("status").className = "bad";
    $("status").textContent = "That is not the address inmail-lint web printed (http://127.0.0.1:PORT/?token=...).";
    return;
  }
  await chrome.storage.local.set(found);
  const answer = await chrome.runtime.sendMessage({ type: "pair" });
  $("status").className = answer.result ? "ok" : "bad";
  $("status").textContent = answer.result
    ? `Paired with ${found.server}: drafts are checked as you write them.`
    : `Saved, but the server said no: ${answer.message || answer.problem}. Start it with --allow-extension ${chrome.runtime.id}.`;
});

$("forget").addEventListener("click", async () => {
  await chrome.storage.local.remove(["server", "token"]);
  $("address").value = "";
  $("status").className = "";
  $("status").textContent = "Forgotten: nothing is sent until you pair again.";
});

show();
