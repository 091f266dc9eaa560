#!/usr/bin/env bash
# Gradescope runs this once, when the autograder is uploaded: it installs the
# Python dependencies, with the CPU build of torch (Gradescope has no GPU, and
# the CUDA build is gigabytes).
#
# Where packages come from (the defaults suit Gradescope):
#   PYTHON           the interpreter to install into (default python3); run_autograder uses the same one
#   TORCH_INDEX_URL  an extra index holding the CPU build of torch
#                    (default https://download.pytorch.org/whl/cpu; set it empty to use none)
#   pip's own variables work as usual: PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX.
#   From a local wheel folder, offline:  PIP_NO_INDEX=1 PIP_FIND_LINKS=/path/to/wheels bash setup.sh
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
TORCH_INDEX_URL="${TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}"

if ! "$PYTHON" -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-pip
fi

# bubblewrap isolates student code in namespaces where the container allows them; where it refuses them, the
# grader runs student code as an unprivileged user instead (as root, which setup.sh and run_autograder are).
if ! command -v bwrap >/dev/null && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
        || echo "setup.sh: bubblewrap could not be installed; student code will run as an unprivileged user"
fi

# Gradescope's image has one system interpreter; newer pips refuse to install into it without this.
export PIP_BREAK_SYSTEM_PACKAGES=1
torch_index=()
if [ -n "$TORCH_INDEX_URL" ] && [ -z "${PIP_NO_INDEX:-}" ]; then
    torch_index=(--extra-index-url "$TORCH_INDEX_URL")
fi
"$PYTHON" -m pip install --quiet ${torch_index[@]+"${torch_index[@]}"} -r requirements.txt

"$PYTHON" - <<'EOF'
import sys
import torch
import grader.cli
from grader.grading.pipeline import prepare
build = "CPU" if torch.version.cuda is None else f"CUDA {torch.version.cuda}"
print(f"setup.sh: Python {sys.version.split()[0]}, torch {torch.__version__} ({build} build); the grader imports")
prepare()  # the datasets every grade reads, generated once here
EOF
