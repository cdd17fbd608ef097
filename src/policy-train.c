/*
 * policy-train - REINFORCE on the bot's experience files, on OpenBLAS
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "die.h"
#include "train_run.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: policy-train -m MODEL.npz [OPTIONS] EXPERIENCE.npz|FOLDER ...\n"
"Apply the REINFORCE update to the policy model from the bot's experience files.\n"
"\n"
"  -m, --model FILE         the model (rl_agent_model.npz); written back atomically\n"
"  -o, --out FILE           write the trained model here as a candidate instead\n"
"      --init               create MODEL (it must not exist)\n"
"      --hidden W,W         hidden widths for --init (default 64,64)\n"
"      --actions N          actions for --init (default 5)\n"
"  -e, --epochs N           passes over the data (default 1; above 20 warns)\n"
"      --batch-episodes N   update every N episodes, shuffled (default: full batch)\n"
"      --seed N             seed for --init and the shuffle (default 0)\n"
"      --lr X               learning rate (default 0.001)\n"
"      --gamma X            discount (default 0.99)\n"
"      --entropy X          entropy bonus (default 0.01)\n"
"      --clip X             gradient-norm clip (default 5)\n"
"      --optimizer NAME     adam (default) or sgd\n"
"      --no-normalize       do not normalise advantages\n"
"  -t, --threads N          OpenBLAS threads (default 1)\n"
"      --skip-bad           train on the good files when some are bad\n"
"      --quarantine DIR     move bad experience files to DIR\n"
"      --report FILE        write {\"file\", \"error\"} lines for the inputs not\n"
"                           trained on to FILE (- for stdout)\n"
"      --json               print the summary as JSON\n"
"  -q, --quiet              no progress on a terminal\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"Exit status: 0 trained, 64 usage, 65 bad experience or model, 66 missing input,\n"
"74 the model could not be written.\n");
}

enum {
	OPT_INIT = 256, OPT_HIDDEN, OPT_ACTIONS, OPT_BATCH, OPT_SEED, OPT_LR,
	OPT_GAMMA, OPT_ENTROPY, OPT_CLIP, OPT_OPTIMIZER, OPT_NO_NORMALIZE,
	OPT_SKIP_BAD, OPT_QUARANTINE, OPT_REPORT, OPT_JSON
};

static const struct option options[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "out", required_argument, NULL, 'o' },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "hidden", required_argument, NULL, OPT_HIDDEN },
	{ "actions", required_argument, NULL, OPT_ACTIONS },
	{ "epochs", required_argument, NULL, 'e' },
	{ "batch-episodes", required_argument, NULL, OPT_BATCH },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "lr", required_argument, NULL, OPT_LR },
	{ "gamma", required_argument, NULL, OPT_GAMMA },
	{ "entropy", required_argument, NULL, OPT_ENTROPY },
	{ "clip", required_argument, NULL, OPT_CLIP },
	{ "optimizer", required_argument, NULL, OPT_OPTIMIZER },
	{ "no-normalize", no_argument, NULL, OPT_NO_NORMALIZE },
	{ "threads", required_argument, NULL, 't' },
	{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
	{ "quarantine", required_argument, NULL, OPT_QUARANTINE },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
hidden_arg(struct train_options *o, const char *s)
{
	char *copy = xstrdup(s), *tok, *save = NULL;

	o->n_hidden = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_hidden == POLICY_MAX_LAYERS - 1)
			die(EX_USAGE, "--hidden: at most %d layers", POLICY_MAX_LAYERS - 1);
		o->hidden[o->n_hidden++] = (int)arg_integer("--hidden", tok, 1,
		    POLICY_MAX_WIDTH);
	}
	free(copy);
}

int
main(int argc, char **argv)
{
	struct train_options o;
	int c, quiet = 0;

	progname = "policy-train";
	train_defaults(&o);
	while ((c = getopt_long(argc, argv, "m:o:e:t:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'm': o.model = optarg; break;
		case 'o': o.out = optarg; break;
		case OPT_INIT: o.init = 1; break;
		case OPT_HIDDEN: hidden_arg(&o, optarg); break;
		case OPT_ACTIONS: o.actions = (int)arg_integer("--actions", optarg, 2,
			    POLICY_MAX_ACTIONS);
			break;
		case 'e':
			o.train.epochs = (int)arg_integer("--epochs", optarg, 1, 1000000);
			break;
		case OPT_BATCH:
			o.train.batch_episodes = (size_t)arg_integer("--batch-episodes", optarg,
			    1, 1LL << 40);
			break;
		case OPT_SEED:
			o.train.seed = (uint64_t)arg_integer("--seed", optarg, 0, INT64_MAX);
			break;
		case OPT_LR: o.train.lr = arg_number("--lr", optarg, 0, 1e300, 0); break;
		case OPT_GAMMA:
			o.train.gamma = arg_number("--gamma", optarg, 0, 1e300, 0);
			break;
		case OPT_ENTROPY:
			o.train.entropy = arg_number("--entropy", optarg, 0, 1e300, 0);
			break;
		case OPT_CLIP:
			o.train.clip = arg_number("--clip", optarg, 1e-12, 1e300, 0);
			break;
		case OPT_OPTIMIZER:
			if (strcmp(optarg, "adam") == 0)
				o.train.optimizer = OPT_ADAM;
			else if (strcmp(optarg, "sgd") == 0)
				o.train.optimizer = OPT_SGD;
			else
				die(EX_USAGE, "--optimizer: adam or sgd, not %s", optarg);
			break;
		case OPT_NO_NORMALIZE: o.train.normalize = 0; break;
		case 't': o.threads = (int)arg_integer("--threads", optarg, 1, 256); break;
		case OPT_SKIP_BAD: o.skip_bad = 1; break;
		case OPT_QUARANTINE: o.quarantine = optarg; break;
		case OPT_REPORT: o.report = optarg; break;
		case OPT_JSON: o.json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("policy-train %s\n", BGTRAIN_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (o.model == NULL || optind == argc) {
		if (o.model == NULL)
			warnmsg("-m MODEL is required");
		usage(stderr);
		return EX_USAGE;
	}
	if (o.train.gamma > 1)
		die(EX_USAGE, "--gamma: at most 1, not %g", o.train.gamma);
	o.train.progress = !quiet && !o.json && isatty(STDERR_FILENO);
	return train_run(argv + optind, argc - optind, &o);
}
