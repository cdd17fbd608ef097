/*
 * hostline.c - the line res-gate --stream prints, written and read back
 *
 * The figures are raw (CPU-seconds over a span, bytes), not percentages:
 * the reader leaves its own workers out of them (gate_exclude_units) and
 * judges them with its own thresholds, so the probe needs none. Text, one
 * line per sample, because the pipe may cross WSL's interop and a person
 * may read it; "key=value" fields after a version tag, so that a newer
 * probe can add fields an older reader skips, and a change of meaning
 * bumps the version, which the reader refuses by name.
 *
 * The reader trusts nothing: every number is checked to be finite, in
 * range and consistent (used <= total) before it is stored, the line's
 * length is bounded by the caller, and GPUs past GPU_MAX are dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hostline.h"

/* More CPUs than any machine has. */
#define HOSTLINE_MAX_CPUS (1 << 20)
/* CPU time a little over the span is a rounding of the counters. */
#define CPU_SLACK 1.05

static void
add_double(struct strbuf *sb, double v)
{
	if (v >= 0)
		sb_printf(sb, "%.9g", v);
	else
		sb_addc(sb, '-');
}

void
hostline_format(struct strbuf *sb, const struct gate_sample *s, double self)
{
	const struct gpu_info *g;
	int i;

	sb_printf(sb, "res-gate/%d span=", HOSTLINE_VERSION);
	add_double(sb, s->seconds);
	sb_printf(sb, " cpus=%.9g cpu=", s->cpus);
	if (s->cpu >= 0) {
		add_double(sb, s->cpu_used);
		sb_addc(sb, ',');
		add_double(sb, s->cpu_capacity);
	} else {
		sb_addc(sb, '-');
	}
	sb_adds(sb, " mem=");
	if (s->mem >= 0)
		sb_printf(sb, "%llu,%llu", s->mem_used, s->mem_total);
	else
		sb_addc(sb, '-');
	sb_adds(sb, " self=");
	add_double(sb, self);
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpus[i];
		sb_printf(sb, " gpu=%s,%d,", gpu_vendor_name(g->vendor), g->index);
		add_double(sb, g->util);
		if (g->mem >= 0)
			sb_printf(sb, ",%llu,%llu", g->mem_used, g->mem_total);
		else
			sb_adds(sb, ",-,-");
	}
	sb_addc(sb, '\n');
}

/* The cursor over one field's value: comma-separated items. */
struct items {
	const char *p, *end;
};

/* The next item of the value, or -1 when there is none. */
static int
item(struct items *it, const char **s, size_t *n)
{
	const char *comma;

	if (it->p > it->end)
		return -1;
	comma = memchr(it->p, ',', (size_t)(it->end - it->p));
	if (comma == NULL)
		comma = it->end;
	*s = it->p;
	*n = (size_t)(comma - it->p);
	it->p = comma + 1;
	return 0;
}

/*
 * A number from 0 to hi, or "-" (*v = -1) when dash is allowed. Plain
 * decimal digits with at most one point and an exponent: no sign, no
 * "inf", no hex, no white space, whatever strtod would take.
 */
static int
number(const char *s, size_t n, double hi, int dash, double *v)
{
	char buf[64], *end;
	size_t i;

	if (n == 1 && s[0] == '-' && dash) {
		*v = -1;
		return 0;
	}
	if (n == 0 || n >= sizeof buf || s[0] < '0' || s[0] > '9')
		return -1;
	for (i = 0; i < n; i++)
		if (strchr("0123456789.eE+-", s[i]) == NULL)
			return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0' && isfinite(*v) && *v >= 0 && *v <= hi ? 0 : -1;
}

/* A whole number of bytes, exactly (a double loses the last digits). */
static int
bytes(const char *s, size_t n, unsigned long long *v)
{
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    *v > (~0ULL - (unsigned)(s[i] - '0')) / 10)
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

/*
 * used and total, or "-" for both ("-,-" too): used must not pass total.
 * The dash alone is what hostline_format writes for mem=.
 */
static int
used_total(struct items *it, unsigned long long *used, unsigned long long *total,
    int *known)
{
	struct items peek;
	const char *s;
	size_t n;

	*known = 0;
	if (item(it, &s, &n) < 0)
		return -1;
	if (n == 1 && s[0] == '-') {
		peek = *it;
		if (item(&peek, &s, &n) == 0 && n == 1 && s[0] == '-')
			*it = peek;
		return 0;
	}
	if (bytes(s, n, used) < 0 || item(it, &s, &n) < 0 || bytes(s, n, total) < 0 ||
	    *used > *total)
		return -1;
	*known = *total > 0;
	return 0;
}

static int
gpu_field(struct items *it, struct gate_sample *s)
{
	struct gpu_info g = { 0 };
	const char *v;
	size_t n;
	double x;
	int known;

	if (item(it, &v, &n) < 0 || (g.vendor = gpu_vendor_parse(v, n)) == 0)
		return -1;
	if (item(it, &v, &n) < 0 || number(v, n, 999999, 0, &x) < 0 || x != floor(x))
		return -1;
	g.index = (int)x;
	if (item(it, &v, &n) < 0 || number(v, n, 100, 1, &g.util) < 0)
		return -1;
	if (used_total(it, &g.mem_used, &g.mem_total, &known) < 0)
		return -1;
	g.mem = known ? 100.0 * (double)g.mem_used / (double)g.mem_total : -1;
	if (!known)
		g.mem_used = g.mem_total = 0;
	if (s->ngpus < GPU_MAX)
		s->gpus[s->ngpus++] = g;
	return 0;
}

/* One "key=value" field into s; fields of no known key are skipped. */
static int
field(const char *key, size_t klen, struct items *it, struct gate_sample *s,
    double *self, int *seen)
{
	const char *v;
	size_t n;
	double a, b;
	int known;

#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (KEY("gpu"))
		return gpu_field(it, s);
	if (KEY("span")) {
		*seen |= 1;
		return item(it, &v, &n) == 0 && number(v, n, 86400, 0, &s->seconds) == 0 &&
		    s->seconds > 0 ? 0 : -1;
	}
	if (KEY("cpus")) {
		*seen |= 2;
		if (item(it, &v, &n) < 0 || number(v, n, HOSTLINE_MAX_CPUS, 0, &s->cpus) < 0 ||
		    s->cpus < 1)
			return -1;
		s->host_cpus = (int)s->cpus;
		return 0;
	}
	if (KEY("cpu")) {
		*seen |= 4;
		if (item(it, &v, &n) < 0 || number(v, n, 1e12, 1, &a) < 0)
			return -1;
		if (a < 0) {
			s->cpu_used = -1;
			s->cpu_capacity = 0;
			return 0;
		}
		if (item(it, &v, &n) < 0 || number(v, n, 1e12, 0, &b) < 0 || a > b * CPU_SLACK)
			return -1;
		s->cpu_used = a < b ? a : b;
		s->cpu_capacity = b;
		return 0;
	}
	if (KEY("mem")) {
		*seen |= 8;
		if (used_total(it, &s->mem_used, &s->mem_total, &known) < 0)
			return -1;
		if (!known)
			s->mem_used = s->mem_total = 0;
		s->host_mem = s->mem_total;
		return 0;
	}
	if (KEY("self"))
		return item(it, &v, &n) == 0 && number(v, n, 1e12, 1, self) == 0 ? 0 : -1;
#undef KEY
	it->p = it->end + 1;	/* a newer probe's field: skipped whole */
	return 0;
}

int
hostline_parse(const char *line, size_t len, struct gate_sample *s, double *self,
    struct strbuf *why)
{
	static const char tag[] = "res-gate/";
	const char *p = line, *end, *eq, *sp;
	struct items it;
	double version;
	int seen = 0;

	memset(s, 0, sizeof *s);
	*self = -1;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	end = line + len;
	sp = memchr(p, ' ', len);
	if (sp == NULL)
		sp = end;
	if ((size_t)(sp - p) <= sizeof tag - 1 || memcmp(p, tag, sizeof tag - 1) != 0) {
		sb_adds(why, "not a res-gate --stream line");
		return -1;
	}
	if (number(p + sizeof tag - 1, (size_t)(sp - p) - (sizeof tag - 1), 1e6, 0,
	    &version) < 0 || version != HOSTLINE_VERSION) {
		sb_printf(why, "a line of format %.*s; this reads res-gate/%d",
		    (int)(sp - p) > 40 ? 40 : (int)(sp - p), p, HOSTLINE_VERSION);
		return -1;
	}
	for (p = sp; p < end; p = sp) {
		if (*p++ != ' ' || p == end)
			goto bad;
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		if ((eq = memchr(p, '=', (size_t)(sp - p))) == NULL || eq == p)
			goto bad;
		it.p = eq + 1;
		it.end = sp;
		if (field(p, (size_t)(eq - p), &it, s, self, &seen) < 0 || it.p <= it.end)
			goto bad;
	}
	if (seen != 15) {
		sb_adds(why, "a line without its span, cpus, cpu and mem");
		return -1;
	}
	gate_percentages(s);
	return 0;
bad:
	sb_printf(why, "a bad field: %.*s", (int)(sp - p) > 60 ? 60 : (int)(sp - p), p);
	return -1;
}
