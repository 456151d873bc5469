// Coding page: selecting words inside an answer fills that answer's "Code other words" form with
// the words and their exact character offsets in the answer, and opens the form. Without this
// script the person types or pastes the words; the server finds them either way and re-checks any
// offsets against the answer's text, so nothing here is trusted.
//
// Each sentence of an answer is a [data-span-passage] element whose data-start is the sentence's
// offset in the answer. Inside it, <mark> pieces add visually hidden labels ("coded to ..."): they
// are not words of the answer, so they are left out when counting characters.

const HIDDEN = ".govuk-visually-hidden";

// Characters of the answer from the start of `passage` up to (node, offset).
function charactersBefore(passage, node, offset) {
  const range = document.createRange();
  range.setStart(passage, 0);
  range.setEnd(node, offset);
  const copy = range.cloneContents();
  for (const label of copy.querySelectorAll(HIDDEN)) label.remove();
  return copy.textContent.length;
}

// The offset in the answer of a selection end, or null when it is not inside a sentence's words.
function answerOffset(node, offset) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  if (!element || element.closest(HIDDEN)) return null;
  const passage = element.closest("[data-span-passage]");
  if (!passage) return null;
  return Number(passage.dataset.start) + charactersBefore(passage, node, offset);
}

function fill(section, start, end, words) {
  const form = section.querySelector("[data-span-form]");
  if (!form) return;
  form.querySelector("[data-span-words]").value = words;
  form.querySelector("[data-span-start]").value = String(start);
  form.querySelector("[data-span-end]").value = String(end);
  const details = form.closest("[data-span-details]");
  if (details) details.open = true;
  const status = section.querySelector("[data-span-status]");
  if (status) status.textContent = `“${words}” is in the form to code other words from this answer.`;
}

function selected() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
  const range = selection.getRangeAt(0);
  const section = range.startContainer.parentElement?.closest("[data-span-answer]");
  if (!section || !section.contains(range.endContainer)) return;
  const start = answerOffset(range.startContainer, range.startOffset);
  const end = answerOffset(range.endContainer, range.endOffset);
  if (start === null || end === null || start >= end) return;
  const copy = range.cloneContents();
  for (const label of copy.querySelectorAll(HIDDEN)) label.remove();
  // Sentences are separate paragraphs on the page: the spacing between them is not the answer's,
  // and the server compares words, not spacing.
  const words = copy.textContent.replace(/\s+/g, " ").trim();
  if (words) fill(section, start, end, words);
}

for (const section of document.querySelectorAll("[data-span-answer]")) {
  section.addEventListener("mouseup", selected);
  section.addEventListener("keyup", selected);
}

// Typing in the box means the person chose the words themselves: the offsets of an earlier
// selection no longer apply.
for (const box of document.querySelectorAll("[data-span-words]")) {
  box.addEventListener("input", () => {
    const form = box.closest("[data-span-form]");
    form.querySelector("[data-span-start]").value = "";
    form.querySelector("[data-span-end]").value = "";
  });
}
