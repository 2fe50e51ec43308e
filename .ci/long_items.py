#!/usr/bin/env python3
"""Lists the .rs files over 700 lines and the functions over 150 lines below the
given folders (default: src), for issue 12's limits (see ARCHITECTURE.md).
Braces are counted outside comments, strings, raw strings and characters.
Usage: python3 .ci/long_items.py [DIR...]"""
import re, sys, pathlib

def blank(src):
    """Replace comments/strings/chars by spaces, keeping newlines."""
    out = []; i = 0; n = len(src)
    def keep(s): return ''.join('\n' if c == '\n' else ' ' for c in s)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i); j = n if j < 0 else j
            out.append(keep(src[i:j])); i = j
        elif src.startswith('/*', i):
            d = 0; j = i
            while j < n:
                if src.startswith('/*', j): d += 1; j += 2
                elif src.startswith('*/', j): d -= 1; j += 2
                else: j += 1
                if d == 0: break
            out.append(keep(src[i:j])); i = j
        elif (m := re.match(r'b?r(#*)"', src[i:i+300])) and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_')):
            end = '"' + m.group(1); j = src.find(end, i + m.end()); j = n if j < 0 else j + len(end)
            out.append(keep(src[i:j])); i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            out.append(keep(src[i:j+1])); i = j + 1
        elif c == "'" and (m := re.match(r"'(\\(x..|u\{[0-9a-fA-F]+\}|.)|[^\\'])'", src[i:i+12])):
            out.append(keep(m.group(0))); i += m.end()
        else:
            out.append(c); i += 1
    return ''.join(out)

fn_re = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"C"\s+)?fn\s+(\w+)')
for root in sys.argv[1:] or ["src"]:
    for p in sorted(pathlib.Path(root).rglob("*.rs")):
        text = p.read_text(); lines = text.splitlines(); code = blank(text).splitlines()
        if len(lines) > 700: print(f"FILE {p}: {len(lines)} lines")
        for i, line in enumerate(lines):
            m = fn_re.match(line)
            if not m: continue
            depth = 0; started = False; j = i
            while j < len(code):
                for ch in code[j]:
                    if ch == '{': depth += 1; started = True
                    elif ch == '}': depth -= 1
                if started and depth <= 0: break
                if not started and code[j].rstrip().endswith(';'): break
                j += 1
            if j - i + 1 > 150: print(f"FN   {p}:{i+1} {m.group(7)}: {j-i+1} lines")
