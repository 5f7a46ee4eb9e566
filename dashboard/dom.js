// Tiny DOM helpers: `h`/`svg` build elements from plain data (text always goes in as text, never as HTML), and
// `morph` patches the live page to match a freshly built tree. Patching instead of replacing keeps focus, open
// <details> and a half-finished tap intact while the data refreshes every two seconds.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {Record<string, string | number | boolean | null | undefined>} Attrs */

/**
 * @param {Element} el
 * @param {Attrs | null | undefined} attrs
 * @param {Child[]} children
 */
function fill(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    // Through the CSSOM: the server's Content-Security-Policy refuses style attributes written as markup.
    if (name === 'style' && el instanceof window.HTMLElement) el.style.cssText = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * Builds an HTML element. Attribute values of null, undefined or false are left out; true sets an empty attribute.
 * @param {string} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  return /** @type {HTMLElement} */ (fill(document.createElement(tag), attrs, /** @type {Child[]} */ (children)));
}

/**
 * Builds an SVG element.
 * @param {string} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function svg(tag, attrs, ...children) {
  return /** @type {SVGElement} */ (
    fill(document.createElementNS(SVG_NS, tag), attrs, /** @type {Child[]} */ (children))
  );
}

/**
 * Attributes the user changes on the live element and a rebuild must not reset.
 * @param {Element} el
 * @param {string} name
 */
function userOwned(el, name) {
  return el.nodeName === 'DETAILS' && name === 'open';
}

/**
 * @param {Element} from
 * @param {Element} to
 */
function syncAttributes(from, to) {
  for (const attr of [...from.attributes]) {
    if (!to.hasAttribute(attr.name) && !userOwned(from, attr.name)) from.removeAttribute(attr.name);
  }
  for (const attr of [...to.attributes]) {
    if (from.getAttribute(attr.name) === attr.value || userOwned(from, attr.name)) continue;
    if (attr.name === 'style' && from instanceof window.HTMLElement && to instanceof window.HTMLElement)
      from.style.cssText = to.style.cssText;
    else from.setAttribute(attr.name, attr.value);
  }
}

/**
 * @param {Node} node
 * @returns {string | null}
 */
const namespaceOf = (node) => (node.nodeType === 1 ? /** @type {Element} */ (node).namespaceURI : null);

/**
 * Makes `from` (live) look like `to` (new, detached), reusing nodes where the element type and test id agree.
 * Children are matched by position; the views keep their lists sorted so positions are stable.
 * @param {Node} from
 * @param {Node} to
 */
export function morph(from, to) {
  const sameKind =
    from.nodeType === to.nodeType && from.nodeName === to.nodeName && namespaceOf(from) === namespaceOf(to);
  if (!sameKind) {
    /** @type {ChildNode} */ (from).replaceWith(to);
    return;
  }
  if (from.nodeType !== 1) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return;
  }
  const fromEl = /** @type {Element} */ (from);
  const toEl = /** @type {Element} */ (to);
  if (fromEl.getAttribute('data-testid') !== toEl.getAttribute('data-testid')) {
    fromEl.replaceWith(toEl);
    return;
  }
  syncAttributes(fromEl, toEl);
  // A part of the page that patches its own children (the fleet overview's keyed rows) is left to itself.
  if (toEl.hasAttribute('data-managed')) return;
  const oldKids = [...fromEl.childNodes];
  const newKids = [...toEl.childNodes];
  newKids.forEach((kid, i) => {
    const old = oldKids[i];
    if (old) morph(old, kid);
    else fromEl.append(kid);
  });
  for (const extra of oldKids.slice(newKids.length)) extra.remove();
}

/**
 * Patches the children of a live container to match a list of new nodes.
 * @param {Element} container
 * @param {Node[]} nodes
 */
export function morphChildren(container, nodes) {
  const wrapper = document.createElement(container.nodeName);
  for (const attr of [...container.attributes]) wrapper.setAttribute(attr.name, attr.value);
  wrapper.append(...nodes);
  morph(container, wrapper);
}
