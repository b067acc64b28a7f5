import assert from "node:assert/strict";
import { OpenList } from "./open_list.ts";

interface Item {
  slot: number;
  name: string;
}

function item(name: string): Item {
  return { slot: -1, name };
}

function names(list: OpenList<Item>): string[] {
  const seen: string[] = [];
  list.forEach((i) => seen.push(i.name));
  return seen.sort();
}

Deno.test("an item is listed once however often it is added, and unlisted by delete", () => {
  const list = new OpenList<Item>();
  const [a, b, c] = [item("a"), item("b"), item("c")];
  list.add(a);
  list.add(b);
  list.add(a);
  list.add(c);
  assert.equal(list.size, 3);
  list.delete(a);
  list.delete(a);
  assert.equal(list.size, 2);
  assert.deepEqual(names(list), ["b", "c"]);
  assert.equal(a.slot, -1);
  list.add(a);
  assert.deepEqual(names(list), ["a", "b", "c"]);
});

Deno.test("deleting from the middle keeps every other item listed at its own slot", () => {
  const list = new OpenList<Item>();
  const items = Array.from({ length: 50 }, (_, i) => item(String(i)));
  for (const i of items) list.add(i);
  for (let i = 0; i < 50; i += 3) list.delete(items[i]);
  const kept = items.filter((_, i) => i % 3 !== 0);
  assert.deepEqual(names(list), kept.map((i) => i.name).sort());
  // Each slot is its item's index: deleting a kept item removes it alone.
  list.delete(kept[5]);
  assert.equal(list.size, kept.length - 1);
  assert.ok(!names(list).includes(kept[5].name));
});

Deno.test("forEach visits every item once while the visitor deletes the item it is given", () => {
  const list = new OpenList<Item>();
  const items = Array.from({ length: 20 }, (_, i) => item(String(i)));
  for (const i of items) list.add(i);
  const visited: string[] = [];
  list.forEach((i) => {
    visited.push(i.name);
    if (Number(i.name) % 2 === 0) list.delete(i);
  });
  assert.deepEqual(visited.sort(), items.map((i) => i.name).sort());
  assert.equal(list.size, 10);
  assert.ok(names(list).every((n) => Number(n) % 2 === 1));
});

Deno.test("forEach does not visit items added while it runs", () => {
  const list = new OpenList<Item>();
  list.add(item("a"));
  list.add(item("b"));
  const visited: string[] = [];
  list.forEach((i) => {
    visited.push(i.name);
    list.delete(i);
    list.add(item(i.name + "'"));
  });
  assert.deepEqual(visited.sort(), ["a", "b"]);
  assert.deepEqual(names(list), ["a'", "b'"]);
});
