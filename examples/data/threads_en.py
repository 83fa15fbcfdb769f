"""Scripted Q&A threads in English (all text written for this project).

Each thread: ``key``, ``lang``, ``topic``, how the asker accepted an answer
(``accept_by``: ``"thanks"`` = the asker replies with thanks to it, ``"reaction"`` = the
asker reacts 👍 to it, ``"most_reactions"`` = the asker does neither and the answer with
the most reactions from others stands), the ``accepted`` answer's label, optionally
``repeat_of`` (the key of an earlier thread asking the same thing), and ``messages``.

Each message: a local ``label``, a ``role`` (question, detail = the asker adds to their own
question, answer, aside = the asker replies to an answer without thanking, thanks),
``day`` (offset from 2026-09-01), ``time``, ``author`` (key in members.MEMBERS), ``text``
(a string, or a list of strings and entity dicts as Telegram writes them), ``reply``
(label of the message replied to), ``reactions`` ({emoji: [member keys]}), ``edited``
(time on the same day).
"""

# Hand-laid-out data (one message per entry reads better), so the formatter leaves it alone.
# fmt: off

MERGE_JOIN = {
    "key": "merge_join",
    "lang": "en",
    "topic": "pandas merge vs join",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 2, "time": "10:12", "author": "kevin",
         "text": "What's the actual difference between pd.merge and DataFrame.join? With join I keep "
                 "getting `ValueError: columns overlap but no suffix specified`, while merge on the "
                 "same two frames goes through fine."},
        {"label": "a1", "role": "answer", "day": 2, "time": "10:26", "author": "ana", "reply": "q",
         "text": "`join` is a convenience wrapper around merge: it matches the *index* of the right "
                 "frame (and by default the index of the left one too), while `merge` matches on "
                 "columns. So `left.join(right)` lines rows up by index, and when both frames also "
                 "share a non-key column name, pandas refuses to invent names for the two copies, "
                 "hence the error. Either pass `lsuffix='_l', rsuffix='_r'`, or write "
                 "`pd.merge(left, right, on='customer_id', how='left')`, which adds `_x`/`_y` "
                 "suffixes by itself. Rule of thumb: key in a column → merge; key already in the "
                 "index → join. Good overview with pictures: "
                 "https://pandas.pydata.org/docs/user_guide/merging.html",
         "reactions": {"👍": ["wang_sh", "priya"]}},
        {"label": "t", "role": "thanks", "day": 2, "time": "10:40", "author": "kevin", "reply": "a1",
         "text": "Thanks Ana! My key was a normal column, not the index. merge(on=...) did it."},
    ],
}

MODULE_NOT_FOUND = {
    "key": "module_not_found",
    "lang": "en",
    "topic": "ModuleNotFoundError after pip install (pip / venv / conda)",
    "accept_by": "thanks",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 7, "time": "21:03", "author": "tom",
         "text": "Help: I ran `pip install requests`, it said Successfully installed, but `import "
                 "requests` in my script still gives ModuleNotFoundError: No module named "
                 "'requests'. How can pip install it and Python not find it?"},
        {"label": "d", "role": "detail", "day": 7, "time": "21:06", "author": "tom", "reply": "q",
         "text": "Forgot to add: Windows 11, Python 3.12 from python.org, and I start the script "
                 "with the green play button in VS Code. I also had Anaconda installed at some point."},
        {"label": "a1", "role": "answer", "day": 7, "time": "21:15", "author": "kevin", "reply": "q",
         "text": "If Anaconda is still around it's probably conda's Python running your script. "
                 "Try `conda install requests` instead of pip."},
        {"label": "a2", "role": "answer", "day": 7, "time": "21:22", "author": "ana", "reply": "q",
         "text": ["Almost always this means two different Pythons: `pip` belongs to one "
                  "interpreter and VS Code runs another. Compare `python -c \"import sys; "
                  "print(sys.executable)\"` in the terminal with the interpreter shown in the VS "
                  "Code status bar. The robust habit is to install through the interpreter you "
                  "actually run: `python -m pip install requests` (on Windows also `py -m pip "
                  "install requests`). Better still, give the project its own virtual "
                  "environment: `python -m venv .venv`, activate it, install there, and choose "
                  "`.venv` with 'Python: Select Interpreter' in VS Code. Then it doesn't matter "
                  "how many other Pythons are on the machine. See ",
                  {"type": "link", "text": "https://docs.python.org/3/library/venv.html"},
                  " for details"],
         "reactions": {"👍": ["wang_sh", "ajie", "priya"], "❤": ["kevin"]}},
        {"label": "t", "role": "thanks", "day": 7, "time": "21:41", "author": "tom", "reply": "a2",
         "text": "That was it, VS Code was using the Microsoft Store Python. Selected .venv and it "
                 "works now, thanks!"},
    ],
}

WINDOW_FUNCTIONS = {
    "key": "window_functions",
    "lang": "en",
    "topic": "SQL window functions: ROW_NUMBER vs RANK",
    "accept_by": "reaction",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 10, "time": "14:20", "author": "weiming",
         "text": "SQL question: what's the difference between ROW_NUMBER() and RANK()? I need the "
                 "latest order per customer, and my RANK() version sometimes returns two rows for "
                 "the same customer."},
        {"label": "a1", "role": "answer", "day": 10, "time": "14:38", "author": "ana", "reply": "q",
         "edited": "14:45",
         "text": "They only differ on ties. `ROW_NUMBER()` always numbers 1, 2, 3… and breaks ties "
                 "arbitrarily; `RANK()` gives tied rows the same rank and then skips (1, 1, 3); "
                 "`DENSE_RANK()` ties without gaps (1, 1, 2). Two orders with the same timestamp "
                 "both get rank 1, which is why you see two rows. For the latest order per "
                 "customer use `ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_ts "
                 "DESC, order_id DESC) AS rn` in a subquery or CTE and keep `rn = 1`. The extra "
                 "`order_id` makes the result deterministic, otherwise the database may pick a "
                 "different row on every run.",
         "reactions": {"👍": ["weiming", "kevin", "wang_sh"], "🔥": ["tom"]}},
    ],
}

JUPYTER_KERNEL = {
    "key": "jupyter_kernel",
    "lang": "en",
    "topic": "Jupyter kernel not found",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 12, "time": "16:05", "author": "daniel",
         "text": "Anyone know why Jupyter says 'Kernel not found' for my conda env? I created an "
                 "env called `ds` with conda, but the notebook only offers 'Python 3' and an old "
                 "kernel called 'py38' that fails to start."},
        {"label": "a1", "role": "answer", "day": 12, "time": "16:21", "author": "priya", "reply": "q",
         "text": "Jupyter only sees kernels that are registered as kernelspecs; creating an env "
                 "doesn't register it. Activate the env and run `conda install ipykernel`, then "
                 "`python -m ipykernel install --user --name ds --display-name \"Python (ds)\"`. "
                 "The dead 'py38' entry is a leftover spec pointing at an env you deleted: "
                 "`jupyter kernelspec list` shows all of them and `jupyter kernelspec uninstall "
                 "py38` removes it. Restart Jupyter afterwards. Alternative: install "
                 "`nb_conda_kernels` in the base env and it discovers every conda env with "
                 "ipykernel in it automatically.",
         "reactions": {"👍": ["ana", "tom"]}},
        {"label": "t", "role": "thanks", "day": 12, "time": "16:40", "author": "daniel", "reply": "a1",
         "text": "Perfect, 'Python (ds)' shows up now and the old one is gone. Thanks Priya!"},
    ],
}

REGEX_LOG_DATES = {
    "key": "regex_log_dates",
    "lang": "en",
    "topic": "regex to extract dates from log lines",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 24, "time": "11:10", "author": "tunde",
         "text": "How do I pull the dates out of log lines with a regex? New lines look like "
                 "`2026-09-24 13:45:01,223 INFO worker-3 started job` and older ones like "
                 "`[24/Sep/2026:13:45:01 +0000] GET /health`. I only need the date part."},
        {"label": "a1", "role": "answer", "day": 24, "time": "11:31", "author": "ana", "reply": "q",
         "text": "Two formats, so two alternatives in one pattern: "
                 "`pat = re.compile(r\"(\\d{4}-\\d{2}-\\d{2})|(\\d{2}/[A-Z][a-z]{2}/\\d{4})\")`. "
                 "For each line `m = pat.search(line)` and take `m.group(1) or m.group(2)`. If "
                 "you want real dates rather than strings, parse after matching: "
                 "`datetime.strptime(s, \"%Y-%m-%d\")` for the first form and `\"%d/%b/%Y\"` for "
                 "the second. In pandas it's `df[\"line\"].str.extract(pat)` (one column per "
                 "group) followed by `.bfill(axis=1).iloc[:, 0]`. Use `search`, not `match`, "
                 "because the old format starts with a bracket. https://regex101.com with the "
                 "Python flavour is great for testing patterns.",
         "reactions": {"👍": ["daniel", "ken"]}},
        {"label": "t", "role": "thanks", "day": 24, "time": "11:50", "author": "tunde", "reply": "a1",
         "text": "That works, both formats come out right. Thanks a lot!"},
    ],
}

STATS_BOOKS = {
    "key": "stats_books",
    "lang": "en",
    "topic": "book and course recommendations for statistics",
    "accept_by": "most_reactions",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 28, "time": "19:40", "author": "chloe",
         "text": "Can anyone recommend a book or course for learning statistics properly? I do UX "
                 "research and want to understand what I'm doing with A/B tests instead of copying "
                 "formulas. Not too math heavy please."},
        {"label": "a1", "role": "answer", "day": 28, "time": "19:52", "author": "tom", "reply": "q",
         "text": "Khan Academy's statistics and probability unit is free and gentle, a decent "
                 "place to start."},
        {"label": "a2", "role": "answer", "day": 28, "time": "20:05", "author": "priya", "reply": "q",
         "text": ["For your goal I'd do two things in parallel. Read 'Naked Statistics' by Charles "
                  "Wheelan for intuition: almost no formulas, but it explains sampling, regression "
                  "and why correlations mislead. Then work through OpenIntro Statistics, which is "
                  "free at ",
                  {"type": "link", "text": "https://www.openintro.org/book/os/"},
                  " ; the chapters on inference and hypothesis tests are exactly what A/B tests "
                  "need. For the experiment side, 'Trustworthy Online Controlled Experiments' "
                  "(Kohavi, Tang, Xu) is the practitioners' book: sample ratio mismatch, peeking, "
                  "novelty effects. Do the exercises with a spreadsheet or a few lines of Python, "
                  "even tiny ones, that's where it sticks."],
         "reactions": {"👍": ["ana", "tom", "weiming", "lily"], "❤": ["ken"]}},
        {"label": "a3", "role": "answer", "day": 28, "time": "20:30", "author": "ana", "reply": "a2",
         "text": "+1 to OpenIntro. Later on, the Statistical Rethinking lectures are a great way "
                 "into the Bayesian view, but I'd leave that for step two.",
         "reactions": {"👍": ["priya"]}},
    ],
}

DOCKER_IMAGE_CONTAINER = {
    "key": "docker_image_container",
    "lang": "en",
    "topic": "Docker for beginners: image vs container",
    "accept_by": "thanks",
    "accepted": "a2",
    "messages": [
        {"label": "q", "role": "question", "day": 33, "time": "15:15", "author": "momo",
         "text": "Docker beginner question: what is the difference between an image and a "
                 "container? I ran `docker run python:3.12` three times and now `docker ps -a` "
                 "lists three things. Is that normal?"},
        {"label": "a1", "role": "answer", "day": 33, "time": "15:28", "author": "ana", "reply": "q",
         "text": "Image = the template, container = one copy of it that is running or has run. "
                 "Three runs, three containers, perfectly normal."},
        {"label": "a2", "role": "answer", "day": 33, "time": "15:34", "author": "zhou", "reply": "q",
         "text": "Think of the image as a read-only package: a filesystem plus a default command, "
                 "built from a Dockerfile and identical for everyone who pulls it. A container is "
                 "what you get each time you `docker run` that image: its own writable layer, its "
                 "own process, its own name. Every `docker run` creates a new container, and "
                 "stopped containers stay around until you delete them, so three runs = three "
                 "entries in `docker ps -a`. Use `docker run --rm python:3.12` to remove it on "
                 "exit, `docker container prune` to clean up old ones, and `docker start -ai "
                 "<name>` to go back into an existing one. Anything you want to keep belongs in a "
                 "volume (`-v`), not inside the container. Official intro: "
                 "https://docs.docker.com/get-started/",
         "reactions": {"👍": ["ajie", "tunde", "ana"]}},
        {"label": "t", "role": "thanks", "day": 33, "time": "15:50", "author": "momo", "reply": "a2",
         "text": "Cleaned up with prune, and --rm is exactly what I wanted. Thanks 老周!"},
    ],
}

ASYNCIO_BASICS = {
    "key": "asyncio_basics",
    "lang": "en",
    "topic": "Python asyncio basics",
    "accept_by": "reaction",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 38, "time": "10:05", "author": "ken",
         "text": "How does asyncio actually speed things up? I put my `requests.get` calls inside "
                 "`async def` functions and awaited them one by one, but it's exactly as slow as "
                 "before."},
        {"label": "a1", "role": "answer", "day": 38, "time": "10:24", "author": "ana", "reply": "q",
         "text": "asyncio only gives you concurrency while the code you await hands control back "
                 "to the event loop. `requests` is blocking, so wrapping it in `async def` still "
                 "runs one call after another. Use an async client such as `httpx.AsyncClient` or "
                 "`aiohttp`, and start the calls together: `results = await "
                 "asyncio.gather(*(client.get(u) for u in urls))`. Awaiting them one by one is "
                 "sequential again; concurrency comes from `gather` or `asyncio.create_task`. If "
                 "you must keep `requests`, `await asyncio.to_thread(requests.get, url)` moves "
                 "each call into a thread. And it only helps I/O-bound work: CPU-heavy code needs "
                 "processes. Intro: https://docs.python.org/3/library/asyncio-task.html",
         "reactions": {"👍": ["ken", "daniel", "tunde"]}},
    ],
}

SCALING_LEAKAGE = {
    "key": "scaling_leakage",
    "lang": "en",
    "topic": "scikit-learn: scaling before the train/test split (leakage)",
    "accept_by": "thanks",
    "accepted": "a1",
    "messages": [
        {"label": "q", "role": "question", "day": 44, "time": "20:10", "author": "weiming",
         "text": "Should I scale features before or after the train/test split? A tutorial I "
                 "followed calls `StandardScaler().fit_transform(X)` on the whole dataset first, "
                 "and my colleague says that's leakage. Is he right?"},
        {"label": "a1", "role": "answer", "day": 44, "time": "20:26", "author": "priya", "reply": "q",
         "text": "Your colleague is right. Fitting the scaler on everything lets the mean and "
                 "standard deviation of the test rows shape how the training data is transformed, "
                 "so the test score comes out a little optimistic. Split first, call "
                 "`scaler.fit(X_train)`, and only `transform` the test set. The easiest way never "
                 "to get this wrong is a pipeline: `model = make_pipeline(StandardScaler(), "
                 "LogisticRegression())` and pass `model` to `cross_val_score`, so the scaler is "
                 "refit inside every fold. For plain standardisation the effect is often small, "
                 "but with target encoding, imputation or feature selection the same mistake can "
                 "inflate scores a lot. See https://scikit-learn.org/stable/common_pitfalls.html",
         "reactions": {"👍": ["ken", "tom"], "🔥": ["ana"]}},
        {"label": "t", "role": "thanks", "day": 44, "time": "20:44", "author": "weiming", "reply": "a1",
         "text": "Thanks Priya, switched to a pipeline with cross_val_score. Makes total sense now."},
    ],
}

THREADS_EN = [
    MERGE_JOIN,
    MODULE_NOT_FOUND,
    WINDOW_FUNCTIONS,
    JUPYTER_KERNEL,
    REGEX_LOG_DATES,
    STATS_BOOKS,
    DOCKER_IMAGE_CONTAINER,
    ASYNCIO_BASICS,
    SCALING_LEAKAGE,
]
