/* SPDX-License-Identifier: MIT */
/*
 * sym_cfi.c - Breakpad .sym files' STACK CFI records: finding an
 * address's rules, and one step of a walk with them (sym_cfi.h). The
 * format is Breakpad's (docs/symbol_files.md in its repository); the code
 * is written here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym_cfi.h"

/* Reads one record into line (without its newline); a longer one is
 * skipped whole. 1, or 0 at the end. */
static int read_record(FILE *f, char *line, size_t size)
{
	for (;;) {
		size_t len;

		if (!fgets(line, (int)size, f))
			return 0;
		len = strlen(line);
		if (len && line[len - 1] == '\n') {
			line[len - 1] = '\0';
			if (len > 1 && line[len - 2] == '\r')
				line[len - 2] = '\0';
			return 1;
		}
		if (len + 1 < size) /* the last record, without a newline */
			return 1;
		/* Too long: the rest of it goes. */
		while (fgets(line, (int)size, f) && !strchr(line, '\n'))
			;
	}
}

/* A hexadecimal number at *s followed by a space; *s moves past both. */
static int hex_field(char **s, uint64_t *ret)
{
	char *end;

	if (!((**s >= '0' && **s <= '9') || (**s >= 'a' && **s <= 'f') ||
	      (**s >= 'A' && **s <= 'F')))
		return -1;
	errno = 0;
	*ret = strtoull(*s, &end, 16);
	if (errno || *end != ' ')
		return -1;
	*s = end + 1;
	return 0;
}

static int append(char *rules, size_t size, size_t *len, const char *text)
{
	size_t n = strlen(text);

	if (*len + n + 2 > size)
		return -1;
	if (*len)
		rules[(*len)++] = ' ';
	memcpy(rules + *len, text, n + 1);
	*len += n;
	return 0;
}

int wer__sym_cfi_find(FILE *f, uint64_t address, char *rules, size_t size)
{
	char line[WER_SYM_CFI_LINE_MAX];
	size_t len = 0;
	int found = 0;

	if (!size)
		return -E2BIG;
	rules[0] = '\0';
	rewind(f);
	while (read_record(f, line, sizeof(line))) {
		char *s = line;
		uint64_t at, extent;

		if (strncmp(s, "STACK CFI ", 10)) {
			if (found)
				break;
			continue;
		}
		s += 10;
		if (!strncmp(s, "INIT ", 5)) {
			if (found)
				break; /* the next function's */
			s += 5;
			if (hex_field(&s, &at) < 0 ||
			    hex_field(&s, &extent) < 0 || address < at ||
			    address - at >= extent)
				continue;
			found = 1;
		} else if (!found || hex_field(&s, &at) < 0 || at > address) {
			continue;
		}
		if (append(rules, size, &len, s) < 0)
			return -E2BIG;
	}
	return found ? 0 : -ENOENT;
}

/* ---- a step */

struct rule {
	const char *name;  /* without its ':' */
	size_t first, end; /* its expression's tokens */
};

static int same_name(const char *a, const char *b)
{
	return !strcmp(a + (*a == '$'), b + (*b == '$'));
}

static int register_index(const struct wer_sym_cfi_frame *f, const char *name)
{
	for (size_t i = 0; i < f->count; i++)
		if (same_name(f->names[i], name))
			return (int)i;
	return -1;
}

/* A number token, decimal or 0x hexadecimal, perhaps negative. */
static int number(const char *t, uint64_t *ret)
{
	const char *s = t + (*t == '-');
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*ret = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	if (*t == '-')
		*ret = -*ret;
	return 0;
}

static int evaluate(char *const *tok, size_t first, size_t end,
		    const struct wer_sym_cfi_frame *f, const uint64_t *cfa,
		    wer_sym_cfi_read_fn *read, void *ctx, uint64_t *ret)
{
	uint64_t stack[WER_SYM_CFI_DEPTH_MAX];
	size_t depth = 0;

	for (size_t i = first; i < end; i++) {
		const char *t = tok[i];
		uint64_t v;
		int r;

		if (strlen(t) == 1 && strchr("+-*/%@^", t[0])) {
			uint64_t a, b;

			if (t[0] == '^') {
				if (!depth)
					return -EINVAL;
				if (read(ctx, stack[depth - 1], &v) < 0)
					return -EFAULT;
				stack[depth - 1] = v;
				continue;
			}
			if (depth < 2)
				return -EINVAL;
			b = stack[--depth];
			a = stack[depth - 1];
			switch (t[0]) {
			case '+':
				v = a + b;
				break;
			case '-':
				v = a - b;
				break;
			case '*':
				v = a * b;
				break;
			case '/':
			case '%':
				if (!b)
					return -EINVAL;
				v = t[0] == '/' ? a / b : a % b;
				break;
			default: /* '@': a aligned down to b, a power of two */
				if (!b || (b & (b - 1)))
					return -EINVAL;
				v = a & ~(b - 1);
				break;
			}
			stack[depth - 1] = v;
			continue;
		}
		if (number(t, &v) == 0) {
		} else if (!strcmp(t, ".cfa")) {
			if (!cfa)
				return -EINVAL;
			v = *cfa;
		} else if ((r = register_index(f, t)) >= 0 &&
			   (f->valid >> r & 1)) {
			v = f->value[r];
		} else {
			return -EINVAL;
		}
		if (depth >= WER_SYM_CFI_DEPTH_MAX)
			return -EINVAL;
		stack[depth++] = v;
	}
	if (depth != 1)
		return -EINVAL;
	*ret = stack[0];
	return 0;
}

int wer__sym_cfi_step(const char *rules, const struct wer_sym_cfi_frame *frame,
		      size_t sp, size_t pc, uint64_t preserved,
		      wer_sym_cfi_read_fn *read, void *ctx,
		      struct wer_sym_cfi_frame *caller)
{
	enum { TOKENS = WER_SYM_CFI_RULES_MAX / 2 + 1 };
	char copy[WER_SYM_CFI_RULES_MAX], *save = NULL, *t;
	char *tok[TOKENS];
	struct rule rule[WER_SYM_CFI_REGS_MAX + 2];
	size_t ntok = 0, nrule = 0;
	const struct rule *cfa_rule = NULL, *ra_rule = NULL;
	uint64_t cfa, ra;
	size_t len = strlen(rules);
	int r;

	if (len >= sizeof(copy) || frame->count > 64 || sp >= frame->count ||
	    pc >= frame->count)
		return -EINVAL;
	memcpy(copy, rules, len + 1);
	for (t = strtok_r(copy, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (ntok >= TOKENS)
			return -EINVAL;
		tok[ntok++] = t;
	}
	/* "NAME:" begins a register's rule, its expression the tokens up to
	 * the next name; a later rule of a register replaces an earlier. */
	for (size_t i = 0; i < ntok; i++) {
		size_t k;

		len = strlen(tok[i]);
		if (tok[i][len - 1] != ':') {
			if (!nrule)
				return -EINVAL; /* an expression of nothing */
			rule[nrule - 1].end = i + 1;
			continue;
		}
		tok[i][len - 1] = '\0';
		if (!tok[i][0])
			return -EINVAL;
		for (k = 0; k < nrule; k++)
			if (!strcmp(rule[k].name, tok[i]))
				break;
		if (k == nrule) {
			if (nrule >= sizeof(rule) / sizeof(rule[0]))
				return -EINVAL;
			nrule++;
		} else {
			/* Replaced: moved last, so that the expression that
			 * follows is its own. */
			memmove(&rule[k], &rule[k + 1],
				(nrule - k - 1) * sizeof(rule[0]));
			k = nrule - 1;
		}
		rule[k] = (struct rule){tok[i], i + 1, i + 1};
	}
	for (size_t k = 0; k < nrule; k++) {
		if (!strcmp(rule[k].name, ".cfa"))
			cfa_rule = &rule[k];
		else if (!strcmp(rule[k].name, ".ra"))
			ra_rule = &rule[k];
	}
	if (!cfa_rule || !ra_rule)
		return -EINVAL;
	r = evaluate(tok, cfa_rule->first, cfa_rule->end, frame, NULL, read,
		     ctx, &cfa);
	if (r == 0)
		r = evaluate(tok, ra_rule->first, ra_rule->end, frame, &cfa,
			     read, ctx, &ra);
	if (r < 0)
		return r;
	caller->count = frame->count;
	caller->names = frame->names;
	caller->valid = 0;
	for (size_t i = 0; i < frame->count; i++)
		if ((preserved >> i & 1) && (frame->valid >> i & 1)) {
			caller->value[i] = frame->value[i];
			caller->valid |= (uint64_t)1 << i;
		}
	for (size_t k = 0; k < nrule; k++) {
		int i;
		uint64_t v;

		if (&rule[k] == cfa_rule || &rule[k] == ra_rule)
			continue;
		if ((i = register_index(frame, rule[k].name)) < 0)
			return -EINVAL;
		r = evaluate(tok, rule[k].first, rule[k].end, frame, &cfa, read,
			     ctx, &v);
		if (r < 0)
			return r;
		caller->value[i] = v;
		caller->valid |= (uint64_t)1 << i;
	}
	caller->value[sp] = cfa;
	caller->value[pc] = ra;
	caller->valid |= (uint64_t)1 << sp | (uint64_t)1 << pc;
	return 0;
}
