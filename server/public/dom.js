/** A small element builder: properties, then children (strings become text, never HTML). */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.includes('-')) node.setAttribute(name, value); // aria-*, data-*
    else node[name] = value;
  }
  node.append(...[children].flat(Infinity));
  return node;
}
