/*
 * train_summary.c - what a policy-train run tells: its warnings and its summary
 *
 * The summary is what tells whether learning helps, run after run: the
 * games (mean return and length, the share won), the policy before and
 * after (entropy, the KL divergence between them, the greedy action's
 * distribution), the update (loss, the gradient's norm before clipping)
 * and, off-policy, the importance ratios. policy-train(1) says how each is
 * computed; the labels and keys that were there before stay as they were,
 * for the scripts that read them.
 */
#include <math.h>
#include <stdio.h>

#include "die.h"
#include "jsonw.h"
#include "strbuf.h"
#include "train_summary.h"

/*
 * Many epochs on one fixed batch: the on-policy update pushes the
 * log-probability of every action with a negative advantage down without
 * bound and diverges; the off-policy one weights it by rho, which goes to
 * 0 with the probability, and stays bounded. So only on-policy data warns.
 */
void
train_warn_divergence(const struct dataset *d, const struct train_options *o)
{
	if (o->train.epochs <= DIVERGENCE_WARNING_EPOCHS || d->on_policy == 0)
		return;
	warnmsg("warning: %d epochs on one batch, %zu of %zu games on-policy "
	    "(rho = 1%s): REINFORCE on fixed data drifts and diverges; see "
	    "policy-train(1)", o->train.epochs, d->on_policy, d->n_ep,
	    o->train.behavior == BEHAVIOR_NONE ? ", --behavior none" :
	    ", no behavior_probs; --behavior uniform for random play");
}

/*
 * The bot loads only 15 inputs, two hidden layers and 5 actions, and its
 * hot reload (deployed_model.npz) only W1 of (15, 64) (specs/files.md): a
 * model of another shape is made, but not without saying what the bot
 * will do with it.
 */
void
train_warn_shape(const struct model *m, const char *path)
{
	const struct policy *p = &m->net;

	if (p->n_layers != 3 || p->width[0] != 15 || p->width[p->n_layers] != 5)
		warnmsg("warning: %s: %d layers, %d inputs, %d actions: the bot "
		    "cannot load this model (it takes 3 layers, 15 inputs, 5 "
		    "actions): it fails inside the game with an IndexError or is "
		    "silently not loaded", path, p->n_layers, p->width[0],
		    p->width[p->n_layers]);
	else if (p->width[1] != 64)
		warnmsg("warning: %s: W1 is (15, %d): the bot loads it when it "
		    "starts, but its hot reload checks W1.shape == (15, 64) and "
		    "will not reload it", path, p->width[1]);
}

/* The figures of a run, each a mean over what it is counted on (NaN: nothing). */
struct figures {
	double mean_return, mean_length, won;
	double entropy_before, entropy, kl;
	double ratio_mean, ratio_max;
	double greedy[POLICY_MAX_ACTIONS];
	int actions;
};

static double
mean(double sum, double n)
{
	return n > 0 ? sum / n : NAN;
}

static void
figures(const struct dataset *d, const struct train_outcome *r, struct figures *f)
{
	int a;

	f->mean_return = d->n_ep ? d->return_sum / (double)d->n_ep : 0;
	f->mean_length = mean((double)d->rows, (double)d->n_ep);
	f->won = mean((double)d->won, (double)d->n_ep);
	f->entropy_before = mean(r->before.entropy, (double)r->before.rows);
	f->entropy = mean(r->after.entropy, (double)r->after.rows);
	f->kl = mean(r->after.kl, (double)r->after.rows);
	f->ratio_mean = mean(r->ratios.sum, (double)r->ratios.rows);
	f->ratio_max = r->ratios.rows ? r->ratios.max : NAN;
	f->actions = d->n_ep ? d->n_actions : 0;
	for (a = 0; a < f->actions; a++)
		f->greedy[a] = mean((double)r->after.greedy[a], (double)r->after.rows);
}

static void
json_key(struct strbuf *sb, const char *key, double x)
{
	sb_printf(sb, ", \"%s\": ", key);
	json_number(sb, x);
}

static void
summary_json(struct strbuf *sb, const struct train_options *o,
	     const struct dataset *d, const struct train_outcome *r,
	     const struct intake *in, double seconds, const char *written)
{
	struct figures f;
	int a;

	figures(d, r, &f);
	sb_printf(sb, "{\"episodes\": %zu, \"steps\": %zu, \"epochs\": %d, "
	    "\"updates\": %lld, \"skipped\": %zu, \"already_trained\": %zu, "
	    "\"not_experience\": %zu", d->n_ep, d->rows, o->train.epochs,
	    (long long)r->steps, in->bad, in->already, in->not_experience);
	json_key(sb, "loss_before", d->n_ep ? r->loss_before : NAN);
	json_key(sb, "loss_after", d->n_ep ? r->loss_after : NAN);
	json_key(sb, "mean_return", f.mean_return);
	json_key(sb, "mean_length", f.mean_length);
	json_key(sb, "win_rate", f.won);
	json_key(sb, "entropy_before", f.entropy_before);
	json_key(sb, "entropy", f.entropy);
	json_key(sb, "approx_kl", f.kl);
	json_key(sb, "grad_norm", d->n_ep ? r->norm_mean : NAN);
	json_key(sb, "grad_norm_max", d->n_ep ? r->norm_max : NAN);
	sb_adds(sb, ", \"greedy\": ");
	if (f.actions == 0)
		sb_adds(sb, "null");
	for (a = 0; a < f.actions; a++) {
		sb_adds(sb, a ? ", " : "[");
		json_number(sb, f.greedy[a]);
	}
	if (f.actions)
		sb_addc(sb, ']');
	sb_printf(sb, ", \"off_policy_steps\": %zu", d->off_rows);
	json_key(sb, "ratio_mean", f.ratio_mean);
	json_key(sb, "ratio_max", f.ratio_max);
	sb_printf(sb, ", \"nonfinite_states\": %zu", d->nonfinite);
	json_key(sb, "seconds", seconds);
	sb_adds(sb, ", \"model\": ");
	if (written)
		json_cstring(sb, written);
	else
		sb_adds(sb, "null");
	sb_adds(sb, "}\n");
}

static void
summary_text(struct strbuf *sb, const struct train_options *o,
	     const struct dataset *d, const struct train_outcome *r,
	     const struct intake *in, double seconds, const char *written)
{
	struct figures f;
	int a;

	figures(d, r, &f);
	sb_printf(sb, "policy-train: %zu episodes, %zu steps, %d epoch%s, "
	    "loss %.6g -> %.6g, mean return %.4g, mean length %.4g, won %.1f%%, "
	    "entropy %.4g -> %.4g, KL %.3g, grad norm %.4g, greedy ",
	    d->n_ep, d->rows, o->train.epochs, o->train.epochs == 1 ? "" : "s",
	    r->loss_before, r->loss_after, f.mean_return, f.mean_length,
	    100 * f.won, f.entropy_before, f.entropy, f.kl, r->norm_mean);
	for (a = 0; a < f.actions; a++)
		sb_printf(sb, "%s%.0f", a ? "/" : "", 100 * f.greedy[a]);
	sb_adds(sb, "%, ");
	if (d->off_rows)
		sb_printf(sb, "off-policy %zu steps, ratio mean %.3g max %.3g, ",
		    d->off_rows, f.ratio_mean, f.ratio_max);
	else
		sb_adds(sb, "on-policy, ");
	sb_printf(sb, "%.2f s, wrote %s", seconds, written);
	if (in->already)
		sb_printf(sb, "; %zu already trained, skipped", in->already);
	if (in->bad)
		sb_printf(sb, "; %zu bad or unreadable, skipped", in->bad);
	if (in->not_experience)
		sb_printf(sb, "; %zu not experience, left alone", in->not_experience);
	if (d->nonfinite)
		sb_printf(sb, "; %zu non-finite state feature%s read as 0",
		    d->nonfinite, d->nonfinite == 1 ? "" : "s");
	sb_addc(sb, '\n');
}

void
train_summary(const struct train_options *o, const struct dataset *d,
	      const struct train_outcome *r, const struct intake *in,
	      double seconds, const char *written)
{
	struct strbuf sb = { 0 };

	if (o->json) {
		summary_json(&sb, o, d, r, in, seconds, written);
	} else if (d->n_ep == 0) {
		sb_printf(&sb, "policy-train: 0 episodes: all %zu games are already "
		    "in %s (--again trains them again); ", in->already, o->model);
		if (written)
			sb_printf(&sb, "wrote %s, which adds nothing\n", written);
		else
			sb_printf(&sb, "%s unchanged\n", o->model);
	} else {
		summary_text(&sb, o, d, r, in, seconds, written);
	}
	fwrite(sb.data, 1, sb.len, stdout);
	sb_free(&sb);
}
