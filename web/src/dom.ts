// Building the page: every string from a server becomes a text node (textContent), never markup.
// The only HTML inserted is the article and comment HTML the content service sanitizes (nh3), and
// that goes through `trustedHtml`, which strips anything active once more in the browser.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

const ALLOWED = new Set(["P", "H2", "H3", "H4", "H5", "H6", "UL", "OL", "LI", "STRONG", "EM", "B", "I", "A", "BLOCKQUOTE",
  "CODE", "PRE", "BR", "HR", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "SPAN", "SUP", "SUB"]);

/** Sanitized HTML from the content service, re-checked here: unknown elements become their text,
 *  attributes other than a link's http(s) href are dropped, links open safely. */
export function trustedHtml(html: string): DocumentFragment {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createDocumentFragment();
  const copy = (node: Node, into: Node): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) into.appendChild(document.createTextNode(child.textContent ?? ""));
      else if (child instanceof Element) {
        if (["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "TEMPLATE"].includes(child.tagName)) continue;
        if (!ALLOWED.has(child.tagName)) { copy(child, into); continue; }
        const el = document.createElement(child.tagName.toLowerCase());
        if (child.tagName === "A") {
          const href = child.getAttribute("href") ?? "";
          if (/^https?:\/\//i.test(href) || href.startsWith("#")) el.setAttribute("href", href);
          el.setAttribute("rel", "nofollow noopener noreferrer");
        }
        copy(child, el);
        into.appendChild(el);
      }
    }
  };
  copy(doc.body, out);
  return out;
}

export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string, required = false): HTMLElement {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  if (required) { input.required = true; input.setAttribute("aria-required", "true"); }
  const hintEl = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" },
    h("label", { for: id }, label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    input, hintEl);
}

export function notice(kind: "info" | "ok" | "warn" | "error", ...children: Child[]): HTMLElement {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleDateString("en-US", { dateStyle: "long" });
}

export function label(word: string): string {
  const special: Record<string, string> = { ptsd: "PTSD", ocd: "OCD", IV: "IV", IM: "IM", needs_review: "needs review" };
  return special[word] ?? word.replace(/_/g, " ");
}
