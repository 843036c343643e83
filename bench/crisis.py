"""``python -m bench.crisis [file ...] [--counts]``: how well the crisis detector does on
labelled sets (bot.services.crisis).

Each file has ``positives`` (messages that need help) and ``negatives`` (venting, idioms), each
item ``{lang, text, must?}``. Without files: the tuning set and the held-out sets in
``bench/data``. Two conventions are reported for every file and language:

* crisis only: a positive counts as found when the level is ``crisis``; a negative is a false
  positive when the level is ``crisis``.
* crisis+unsure (the target's convention): a positive counts as found when the level is
  ``crisis`` or ``unsure`` (the bot replies with helplines, or asks "Are you safe?"); a negative
  is a false positive when the level is ``crisis`` or ``unsure`` (asking a venting person "Are you
  safe?" is a false alarm too).

``--train`` relearns the similarity weights (bot/services/crisis/similarity.py) from the tuning
set and writes them to bot/services/data/crisis_similarity.json, then trains the learned tier
(bot/services/crisis/learned.py) on ``LEARN_FILES`` plus everyday messages, chooses its thresholds
by leave-one-file-out cross-validation, prints the cross-validated figures per file and language,
and writes bot/services/data/crisis_model.npz. Run it after changing a training file (unit tests
check both are in step). It takes about half a minute; the result is deterministic.

``--counts`` prints only numbers, never a sentence: use it for a held-out set, so it can be
scored without being read while the lists change. Without it the missed positives and false
alarms of each file are listed (test-set sentences, never user messages).

Measured for issue 16 (recall / false-positive rate; "crisis+unsure" is the target's convention):

    set (positives/negatives)      before issue 16   crisis only     crisis+unsure
    crisis_tuning   (612/450)      0.804 / 0.000     0.967 / 0.000   0.989 / 0.000  (fit by design)
    crisis_heldout3 (166/177)      0.916 / 0.023     0.928 / 0.028   0.952 / 0.028
    crisis_heldout4 (237/235)      0.494 / 0.013     0.616 / 0.017   0.667 / 0.026

heldout4 was written by another helper who never saw the lists; it was scored --counts only,
seven times in all (six while the design was widened in general terms, one for the "before"
column), and never read. The last widening (tuning9, English) came after the last heldout4 run
and is not in its figures.

Widened for other authors' phrasing (H11). tuning_b (389/376, a second independent author, 8
languages) was scored once as it came (an honest out-of-sample figure for the design above:
crisis only 0.476 / 0.048, crisis+unsure 0.514 / 0.053), then read and tuned on; tuning_c is
H11's own batch of shapes and hard negatives (written by the same hand as the rules: it proves
little). Afterwards:

    set (positives/negatives)      crisis only     crisis+unsure
    crisis_tuning   (612/450)      0.972 / 0.000   0.995 / 0.000  (in-sample)
    crisis_tuning_b (389/376)      0.882 / 0.000   0.967 / 0.000  (in-sample since read)
    crisis_tuning_c (510/397)      0.849 / 0.005   0.980 / 0.008  (in-sample, same hand)
    crisis_heldout3 (166/177)      0.940 / 0.028   0.970 / 0.028  (counts only)
    crisis_heldout4 (237/235)      0.726 / 0.013   0.802 / 0.013  (counts only; before: 0.624 /
                                                                   0.017, 0.679 / 0.026)
    crisis_heldout5 (246/247)      0.687 / 0.032   0.756 / 0.040  (a third author; scored ONCE,
                                                                   counts only, after the last
                                                                   change; never read)

heldout4 was scored twice by H11 (before and after), heldout5 once. Target on held-out text:
recall >= 0.95, false positives <= 0.05: the false-positive side is met on every set, the recall
side is not (0.76-0.80 on the two newest authors). About 0.2 ms per message.

A learned tier (H13, bot/services/crisis/learned.py): logistic regression over hashed character
2-5-grams, words and word pairs (2^18 buckets, float16 weights, crisis_model.npz 146 KiB), trained
on tuning, tuning_b, tuning_c, the spent heldout3 and heldout4, and the 789 everyday messages of
understanding_tuning. It may only raise a ``none`` to ``unsure``. Thresholds from leave-one-file-
out cross-validation (each file predicted by a model that never saw it; a new author each time):
``unsure`` at p >= 0.81, the lowest threshold adding at most 0.03 false alarms on the crisis
files' negatives and 0.01 on everyday messages. Guards win (out of fold, among messages a guard
explained and the rules left alone, p >= 0.5 raised 2 positives and 47 negatives); the model
never says ``crisis`` (no threshold had zero negatives above it and 1% of positives: at p >= 0.99,
2 positives). Out of fold, crisis+unsure recall / false positives, rules alone -> with the model:

    file (positives/negatives)     rules alone     leave-one-file-out   5-fold by checksum
    crisis_tuning   (612/450)      0.995 / 0.000   0.998 / 0.029        0.998 / 0.024
    crisis_tuning_b (389/376)      0.967 / 0.000   0.982 / 0.027        0.979 / 0.029
    crisis_tuning_c (510/397)      0.980 / 0.008   0.986 / 0.065        0.986 / 0.071
    crisis_heldout3 (166/177)      0.970 / 0.028   0.994 / 0.045        0.994 / 0.051
    crisis_heldout4 (237/235)      0.802 / 0.013   0.899 / 0.013        0.907 / 0.017
    everyday        (0/789)        - / 0.003       - / 0.011            - / 0.011

heldout4 per language, leave-one-file-out (rules alone -> with the model, crisis+unsure recall):
de 0.81 -> 0.94, en 0.76 -> 0.88, es 0.94 -> 0.94, fr 0.80 -> 0.87, hi 0.75 -> 0.88, pt 0.93 ->
1.00, ru 0.88 -> 1.00, uk 0.87 -> 0.87; false positives unchanged (en 0.023, others 0.000). The
rules figures are in-sample for the tuning files (the lists were written on them), so only the
held-out rows say much. understanding_heldout (never trained on): the model asks about 6 of 350
everyday messages. The shipped model, in-sample (crisis only / crisis+unsure): tuning 0.972 /
0.998, fp 0.000; tuning_b 0.882 / 0.990, fp 0.000; tuning_c 0.849 / 0.990, fp 0.008; heldout3
0.940 / 1.000, fp 0.028; heldout4 0.726 / 0.962, fp 0.013. The model costs about 75 µs of CPU
per message (the whole check 170-290 µs).

Scored ONCE each with the shipped model, --counts only, after the last change (never read, never
trained on; crisis only / crisis+unsure recall, false positives):

    set (positives/negatives)      crisis only     crisis+unsure
    crisis_heldout5 (246/247)      0.687 / 0.032   0.866 / 0.045  (was 0.756 / 0.040 without the
                                                                   model: its second scoring)
    crisis_heldout6 (231/227)      0.610 / 0.053   0.831 / 0.066  (a fourth author; first scoring)

heldout5 crisis+unsure by language: de 0.800 / 0.067, en 0.865 / 0.056, es 0.867 / 0.000,
fr 0.933 / 0.000, hi 0.933 / 0.067, pt 0.867 / 0.067, ru 0.800 / 0.000, uk 0.867 / 0.000.
heldout6: de 0.867 / 0.067, en 0.825 / 0.057, es 0.800 / 0.133, fr 0.933 / 0.067, hi 0.800 /
0.000, pt 0.800 / 0.200, ru 1.000 / 0.067, uk 0.667 / 0.000 (15 + 15 per language outside
English: one message is 0.067). The model lifts recall by about 0.1 on new authors but the target
(recall >= 0.95) is still not met; on heldout6 the rules alone already give 0.053 false positives
as "crisis" (the model never says crisis; 3 negatives there were "unsure", from either tier).

Two more authors, and the spent held-out sets train (helper "crisis", 2026-12-06). tuning_d and
tuning_e (290 + 290 each, 8 languages, two new independent authors) were scored ONCE with the
detector above, --counts only, before being read: honest out-of-sample figures for it
(crisis+unsure recall / false positives; per language de, en, es, fr, hi, pt, ru, uk):

    set            crisis only     crisis+unsure   crisis+unsure by language
    crisis_tuning_d 0.617 / 0.007  0.790 / 0.010   .633/0 .900/.025 .833/0 .733/.033 .667/0
                                                   .900/0 .700/0 .767/0
    crisis_tuning_e 0.403 / 0.007  0.659 / 0.041   .600/.033 .750/.025 .700/.033 .567/.133
                                                   .700/.033 .733/.033 .533/0 .533/.067

Then they, and heldout5 and heldout6 (spent: scored several times; moved from NEVER_TRAIN to
training here), were read and trained on. Changes, by category rather than phrase by phrase:
questions about a method's certainty or pain ("least painful way", "how high ... to be sure",
"lethal dose"), the wish not to wake up, plain statements of suicide outside English ("me mato y
no es broma", "mets fin à mes jours", "уйду из жизни", "піду з життя"), self-harm acts
("geritzt", "me corté más profundo", "हाथ पर ब्लेड"), not being alive or around by a date, and
settling affairs (a pet rehomed, passwords for a sibling); guards for people who help ("suicide
prevention line", "patients after suicide attempts", in five languages), stories about suicide,
"enough rope", "a suicidal burn rate", "va me tuer" said of a boss, "me jogar nesse desafio". The
learned tier now also reads the rules' CUES (the signal categories found and whether a guard
matched: the same feature in every language), and cross-validation now learns the similarity
weights out of fold too (before, a tuning file's "rules" figure used weights learnt on it).
Tried and dropped (leave-one-file-out, same data): 2^20 buckets (no better), L2 3e-6 (more false
alarms), a second, lower threshold for messages with a signal cue (+0.007 recall: not worth it).
The similarity layer's threshold went from 8.0 to 9.0 (see similarity.py).

Leave-one-file-out, crisis+unsure recall / false positives (the model and the similarity weights
never saw the file; the RULES did for every file here: they were widened while reading tuning_d,
tuning_e, heldout5 and heldout6, so these figures flatter the detector on them):

    file (pos/neg)            rules alone     with the model   by language (with the model)
    crisis_heldout5 (246/247) 0.870 / 0.012   0.951 / 0.012    de .933/0 en .936/.021 es .933/0
                                                               fr 1/0 hi 1/0 pt 1/0 ru .933/0 uk 1/0
    crisis_heldout6 (231/227) 0.835 / 0.009   0.931 / 0.018    de .933/0 en .921/.025 es .933/.067
                                                               fr .933/0 hi .933/0 pt 1/0 ru 1/0
                                                               uk .867/0
    crisis_tuning_d (290/290) 0.852 / 0.000   0.945 / 0.003    de .867/0 en .975/0 es .967/0
                                                               fr .900/.033 hi .967/0 pt .933/0
                                                               ru .967/0 uk .933/0
    crisis_tuning_e (290/290) 0.721 / 0.007   0.879 / 0.024    de .933/0 en .887/.025
                                                               es .933/.033 fr .833/.100
                                                               hi .933/0 pt .933/.033 ru .767/0
                                                               uk .800/0
    crisis_heldout4 (237/235) 0.844 / 0.009   0.920 / 0.013
    crisis_heldout3 (166/177) 0.970 / 0.028   1.000 / 0.040
    crisis_tuning_b (389/376) 0.967 / 0.003   0.987 / 0.024
    crisis_tuning_c (510/397) 0.973 / 0.030   0.986 / 0.088    (its hard negatives were written
                                                               against the lists)
    everyday        (0/789)     - / 0.003       - / 0.011

The more honest estimate for a new author is the run made BEFORE the lists were widened (old
rules, new model with cues, leave-one-file-out, same threshold policy, unsure at p >= 0.75):
heldout5 0.919 / 0.045, heldout6 0.887 / 0.062, tuning_d 0.855 / 0.010, tuning_e 0.797 / 0.059
(pooled over the six newest authors' files: 0.899 / 0.035). Thresholds now: unsure at p >= 0.75
(bound by the everyday budget: 0.011 of everyday messages out of fold); guarded and crisis never.
understanding_heldout (never trained on): the whole detector asks about 6 of 350 everyday
messages, all six the model (the same count as before this round); understanding_tuning 1 of 789.
A new signal category, ``after_me`` (arrangements for after one's death: a pet rehomed,
passwords and bank details left for family, a will at 27, not being around by a date), is
"unsure" alone; place with a looking-down act farther apart, and means with holding or saving
farther apart, are "unsure" too. New guards for everyday idioms seen among tuning_e's
negatives, in every language: vitamins (the model read "vitamintabletten" as pills), "a dead-end
job" ("voie sans issue", "глухий кут"), "totgelacht", "utha le re baba" (a film line): tuning_e's
out-of-fold false alarms 0.052 -> 0.024 at the same recall.

The shipped detector, IN-SAMPLE (every file below trains the model and was read for the rules;
crisis only / crisis+unsure recall, false positives):

    crisis_tuning_d  0.752 / 0.993, fp 0.000      crisis_heldout5  0.764 / 0.972, fp 0.012
    crisis_tuning_e  0.545 / 0.979, fp 0.000      crisis_heldout6  0.697 / 0.961, fp 0.009
    crisis_tuning    0.972 / 0.998, fp 0.000      crisis_heldout4  0.738 / 0.975, fp 0.009
    crisis_tuning_b  0.882 / 0.990, fp 0.000      crisis_heldout3  0.940 / 1.000, fp 0.028
    crisis_tuning_c  0.851 / 0.992, fp 0.010

Model file 199 KiB; the whole check costs a median 231 µs of CPU per message (p99 1.0 ms, on a
loaded machine). The target (held-out recall >= 0.95 at <= 0.05 false positives) is still NOT
shown to be met: cross-validated recall on new authors is 0.88-0.95 (and the lists were read on
those files), 0.80-0.92 before they were read; only heldout7 (kept outside the repository, never
read, to be scored once by the lead with this model) can say where the detector stands now.

heldout7, scored once by the lead with that model (--counts): crisis+unsure 0.931 / 0.010 (crisis
only 0.624 / 0.003). It is now SPENT and trains (moved from NEVER_TRAIN to HELD_OUT).

An eighth author (helper "crisis2", 2026-12-06). tuning_f (290 / 290, 8 languages, an
independent author) was scored ONCE with the shipped detector, --counts only, before it was read
(honest out-of-sample; crisis+unsure recall / false positives; crisis only 0.562 / 0.003):

    crisis_tuning_f 0.872 / 0.028   de .733/.033 en .963/.013 es .867/.100 fr .900/0
                                    hi .933/.033 pt .867/.033 ru .800/.033 uk .767/0

Then tuning_f and heldout7 were read and trained on. Added by signal category, in every
language, rather than sentence by sentence: questions about lethality (which floor is sure,
"tödliche Dosis", the least painful way, which pills act fastest, where to cut "so it works");
acts on the body (cigarette burns, "haath kaat liya", hitting oneself until it bleeds, hiding
cuts); a staged accident ("vai parecer acidente", "passera pour un accident", a car driven into a
tree); not wanting to live in transliterated Russian/Ukrainian ("ne hochu bolshe zhit") and
colloquial or Swiss German ("kein Bock mehr zu leben", "nümm läbe"); a fatal illness or heart
attack wished for (signal `accident`, so only with a wish); being hit on purpose while crossing
(ru, uk); "decided to die", "not making it to 24"; "nothing holds me in this world" (ru, uk). The
guard for "vou me jogar nesse projeto" no longer hides "me jogar na frente do trem". New guards:
"me tiro de cabeza" (eagerness), a film's ending "me mató", burning bridges (es, pt, fr, de, ru,
uk), fear of heights, a dose that helps, blood-pressure tablets. Thresholds now: unsure at
p >= 0.77 (bound by the everyday budget), guarded and crisis never. Similarity weights 5077.

Leave-one-file-out, crisis+unsure recall / false positives (model and similarity weights never saw
the file). Two runs: (a) the rules as they were BEFORE this round (they had never seen tuning_f or
heldout7: the fair estimate for a new author), (b) the shipped rules (widened while reading
tuning_f and heldout7, so (b) flatters those two):

    file (pos/neg)            (a) old rules   (b) shipped     (b) by language
    crisis_tuning_f (290/290) 0.876 / 0.024   0.983 / 0.003   de .967/0 en 1/0 es .967/0
                                                              fr 1/.033 hi 1/0 pt .967/0
                                                              ru .967/0 uk .967/0
    crisis_heldout7 (290/290) 0.931 / 0.007   0.986 / 0.007   de 1/0 en 1/.013 es .967/0
                                                              fr .933/.033 hi 1/0 pt 1/0
                                                              ru 1/0 uk .967/0
    crisis_tuning_e (290/290)                 0.893 / 0.034   uk .800 ru .867 fr .867/.100
    crisis_tuning_d (290/290)                 0.962 / 0.000   de .900
    crisis_heldout6 (231/227)                 0.935 / 0.018
    crisis_heldout5 (246/247)                 0.947 / 0.016
    crisis_heldout4 (237/235)                 0.920 / 0.009
    crisis_heldout3 (166/177)                 1.000 / 0.040
    everyday        (0/851)                   - / 0.011

(a) by language, tuning_f: de .733/0 en .963/.013 es .900/.067 fr .900/.033 hi .933/.033
pt .833/.033 ru .833/.033 uk .767/0; heldout7: de .933/0 en .925/.013 es .967/0 fr .900/.033
hi .900/0 pt .900/0 ru 1/0 uk .933/0 ((a) ran with the 789 everyday messages of the time; 5
folds by checksum agree within 0.01 on recall). Read
plainly: with the old rules, training the model on ten other authors' files gave tuning_f 0.876
out of fold, against 0.872 when it was scored once with the shipped model (trained on eight), and
heldout7 0.931, the same as its single scoring: more data did not lift the next author by
itself; what lifted the in-sample and (b) figures is the rules read on these two files.
Nor did those rules reach other authors: out of fold, the rules-alone recall of the nine files
not read for them is unchanged by this round (tuning_d 0.866 -> 0.869, one message; tuning,
tuning_b, tuning_c, tuning_e, heldout3-6 identical, same false positives). The categories are
general in form, but what they caught was these two authors' wording. Tried and dropped: pairs of
signal categories as model features (leave-one-file-out, same data: no file better by more than
one message, tuning_f and heldout6 slightly worse).

The shipped detector, IN-SAMPLE (crisis only / crisis+unsure recall, false positives):
tuning_f 0.683 / 0.997, fp 0.000; heldout7 0.697 / 0.997, fp 0.007; tuning_d 0.755 / 0.990,
fp 0; tuning_e 0.545 / 0.972, fp 0; heldout6 0.697 / 0.957, fp 0.009; heldout5 0.764 / 0.972,
fp 0.012; heldout4 0.738 / 0.970, fp 0.009; heldout3 0.940 / 1.000, fp 0.028; tuning 0.972 /
0.998, fp 0.002; tuning_b 0.882 / 0.987, fp 0; tuning_c 0.851 / 0.992, fp 0.013. Everyday
messages: understanding_tuning 2 of 851 asked, understanding_heldout (never trained on) 6 of 350
(as before). Model file 228 KiB; the whole check a median 226 µs of CPU per message (p99 0.9 ms,
loaded machine). The target is still NOT shown to be met for a new author: the fair estimate is
0.88-0.93 recall at <= 0.03 false positives. heldout8 (outside the repository, never opened) is
the next honest figure: NEVER_TRAIN names it, so it is always scored counts-only.

heldout8, scored once by the lead with that model (--counts): crisis+unsure 0.921 / 0.017 (crisis
only 0.614 / 0.007). It is now SPENT and trains (HELD_OUT); NEVER_TRAIN names heldout9, kept
outside the repository (/work/crisis_data, never opened here), which the lead scores once with
the model below (``python -m bench.crisis FILE --counts`` reads a file anywhere).

Why recall on a new author stays near 0.92-0.93 (helper "crisis16", 2026-12-06). The 43 misses of
the two single scorings (heldout7's 20 with the model the lead scored, heldout8's 23), by C-SSRS
category: acts on the body 12 (cutting, burning, hitting oneself 9; an overdose already taken
3), a death wished for through an accident or staged as one 7, a comparison with death ("lieber
tot", "preferiría estar muerto", "मर जाना बेहतर") or being taken in one's sleep 6, lethality
questions ("wie viel ... tödlich", "скільки ... смертельно", which floor) 5, means with saving or
thinking 5, a decision with a time 5, place with an act, a burden, arrangements after death 1
each. By language: en 10 (of 160), hi 6, de 5, es 5, fr 5, pt 5, uk 4, ru 3 (of 60 each):
outside English a miss is half as likely again. Most were explicit, in ordinary words (cut,
swallowed, how much, better, lethal) that the lists only held as whole phrases in one or two
languages; the model scored them 0.4-0.77, below a threshold the everyday budget binds.

So the biggest classes are now named by their PARTS, each part in all eight languages, combined
by new rules (crisis_signals.yaml): ``ingest`` (swallowing all of something, a whole box or
blister) with ``means`` within 10 words is a crisis; ``how_much`` with ``lethal`` within 8 is a
crisis; ``injure`` (cut, burned, hit, scratched, any tense) with ``body`` (an arm, a wrist, the
skin, oneself) within 4 is "unsure" (a kitchen burn is asked about, gently); ``prefer`` (rather,
better, lieber, лучше, बेहतर) with ``death`` within 4 is "unsure", and guarded when it compares
death with a chore ("plutôt mourir que refaire un cas pratique", "лучше умру, чем ...": the
English phrase file's decision, now in every language). ``means`` gained the drugs people hoard
(benzodiazepines, opioids, common painkillers, insulin) in every language, a knife at hand, the
medicine cabinet; ``after_me`` "after my death" and a will; ``relief`` "so much the better" for a
crash or a car; ``method`` a death made to look like an accident or a heart attack. New guards:
"counting pills at a pharmacy" (a job), dying N times in a game (8 languages), "how many
ibuprofen can I take a day", an injury with its everyday cause (shaving, cooking, by
accident). Rules alone (phrases and signals, no model), against the lists before this round: new
positives found in files NOT read for it: heldout4 +1, heldout6 +1,
tuning_d +1, tuning_e +1, tuning_f +3 (heldout7 +8: its misses were read for the counts above);
no new false alarm on any file; no change on any of the 910 + 350 everyday messages.

Leave-one-file-out, crisis+unsure recall / false positives (model and similarity weights never
saw the file; the rules did see heldout8 and heldout7's misses). Before: the previous round's
shipped detector, heldout8 not yet in training; after: this round's, trained with main's 910
everyday messages (59 new ones from the understanding work). The unsure threshold, chosen by the
same budgets, fell from 0.77 to 0.71.

    file (pos/neg)            before          after
    crisis_heldout8 (290/290) 0.921 / 0.017 * 0.997 / 0.014  (* scored once, the model unaware)
    crisis_heldout7 (290/290) 0.986 / 0.007   0.997 / 0.014
    crisis_tuning_f (290/290) 0.983 / 0.003   0.983 / 0.017
    crisis_tuning_e (290/290) 0.893 / 0.034   0.914 / 0.034
    crisis_tuning_d (290/290) 0.962 / 0.000   0.976 / 0.000
    crisis_heldout6 (231/227) 0.935 / 0.018   0.939 / 0.022
    crisis_heldout5 (246/247) 0.947 / 0.016   0.959 / 0.016
    crisis_heldout4 (237/235) 0.920 / 0.009   0.945 / 0.009
    crisis_heldout3 (166/177) 1.000 / 0.040   1.000 / 0.040
    crisis_tuning   (612/450)                 0.998 / 0.044
    crisis_tuning_b (389/376)                 0.987 / 0.029
    crisis_tuning_c (510/397)                 0.988 / 0.108  (negatives written against the lists)
    everyday        (0/851, now 0/910)
                                - / 0.011       - / 0.012

Recall fell on no file; false alarms rose on tuning_f (1 -> 5 of 290), heldout7 (2 -> 4) and
heldout6 (4 -> 5), from the lower model threshold. Tried again and dropped (same out-of-fold
scores): a second, lower model threshold for messages where any signal category fired (p >= 0.60
with a cue, 0.71 without): pooled recall 0.977 -> 0.981 but false alarms on the crisis sets 0.031
-> 0.044 (heldout8 0.014 -> 0.028, tuning_f 0.017 -> 0.028; everyday unchanged); at 0.50, 0.984 /
0.055 and everyday 0.018, over budget. understanding_heldout (never trained on): the detector asks
about 6 of 350 (as before). Median check 413 µs of CPU per message against 393 µs for the previous
lists, both measured in the same run on a loaded machine (the previous round measured 226 µs on a
quieter one). The target (held-out recall >= 0.95 at <= 0.05 false positives) is still NOT shown
for a new author: heldout8 was read for these rules, so its 0.997 flatters them; heldout9, scored
once by the lead, is the honest figure.

heldout9, scored ONCE by the lead with that model (--counts, at 5d0fef3; never read): crisis+unsure
0.807 / 0.145, crisis only 0.414 / 0.076 (290 / 290). By language, crisis+unsure: de .733/.167
en .850/.100 es .933/.200 fr .800/.167 hi .733/.133 pt .900/.167 ru .700/.133 uk .733/.167. This
author was asked for understated positives and for hard negatives that share words with
positives (a goodbye email on a last day, suits given away for a remote job, a friend's crisis,
a film): far below the earlier authors on both sides, and the false alarms matter as much as the
misses (7.6% of those negatives would get helplines). It is now SPENT (committed, unread).
"""

from __future__ import annotations

import hashlib
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from bot.services import crisis
from bot.services.crisis import learned, phrases, signals, similarity

DATA = Path(__file__).resolve().parent / "data"
TUNING = DATA / "crisis_tuning.yaml"
# Every tuning batch (read and tuned on; never a held-out set). The similarity weights are learnt
# from all of them.
TUNING_FILES = (
    TUNING,
    DATA / "crisis_tuning_b.yaml",
    DATA / "crisis_tuning_c.yaml",
    # Two more independent authors: each scored ONCE out-of-sample (counts only), then read.
    DATA / "crisis_tuning_d.yaml",
    DATA / "crisis_tuning_e.yaml",
    # An eighth author (helper "crisis2"): scored ONCE out-of-sample (counts only), then read.
    DATA / "crisis_tuning_f.yaml",
)
# The held-out sets of earlier rounds. All five are SPENT (scored many times, then trained on):
# their figures are no longer out-of-sample. They stay separate files so that leave-one-file-out
# cross-validation keeps one author per fold.
HELD_OUT = (
    DATA / "crisis_heldout3.yaml",
    DATA / "crisis_heldout4.yaml",
    DATA / "crisis_heldout5.yaml",
    DATA / "crisis_heldout6.yaml",
    # Scored once by the lead with the model of helper "crisis" (0.931 / 0.010), then trained on.
    DATA / "crisis_heldout7.yaml",
    # Scored once by the lead with the model of helper "crisis2" (0.921 / 0.017), then trained on.
    DATA / "crisis_heldout8.yaml",
)
DEFAULT_FILES = (*TUNING_FILES, *HELD_OUT)
# The learned tier (bot/services/crisis/learned.py) trains on every tuning batch, the spent
# held-out sets and the everyday messages of the understanding classifier's tuning set.
LEARN_FILES = (
    *TUNING_FILES,
    *HELD_OUT,
    # Answers to the bot's own questions ("aquí son las 9 de la noche"): negatives only.
    DATA / "crisis_everyday_answers.yaml",
)
EVERYDAY = DATA / "understanding_tuning.yaml"
# Never trained on: an out-of-sample check that everyday messages stay quiet.
EVERYDAY_UNSEEN = DATA / "understanding_heldout.yaml"
# A held-out set still unread (kept outside the repository until the lead scores it once with the
# final model): never trained on, and always scored --counts only, whatever the arguments say.
NEVER_TRAIN = ("crisis_heldout9.yaml",)


@dataclass(frozen=True)
class Case:
    text: str
    crisis: bool
    lang: str
    must: bool
    source: str


def load_cases(path: Path = TUNING) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_source = str(data.get("source", "tuning"))
    cases: list[Case] = []
    for section, positive in (("positives", True), ("negatives", False)):
        for item in data.get(section) or []:
            cases.append(
                Case(
                    text=str(item["text"]),
                    crisis=positive,
                    lang=str(item["lang"]),
                    must=bool(item.get("must", False)),
                    source=str(item.get("source", default_source)),
                )
            )
    return cases


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    must_total: int = 0
    must_found: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def fp_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def must_recall(self) -> float:
        return self.must_found / self.must_total if self.must_total else 1.0


@dataclass(frozen=True)
class Scored:
    case: Case
    level: crisis.Level


def assess_all(cases: Iterable[Case]) -> list[Scored]:
    return [Scored(case, crisis.assess(case.text).level) for case in cases]


def score(results: Iterable[Scored], with_unsure: bool) -> Scores:
    tp = fp = fn = tn = must_total = must_found = 0
    for result in results:
        hit = result.level == "crisis" or (with_unsure and result.level == "unsure")
        if result.case.crisis:
            must_total += result.case.must
            must_found += result.case.must and hit
            tp, fn = (tp + 1, fn) if hit else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if hit else (fp, tn + 1)
    return Scores(tp, fp, fn, tn, must_total, must_found)


def _line(label: str, results: Sequence[Scored]) -> str:
    strict, loose = score(results, False), score(results, True)
    return (
        f"  {label:<8} pos={strict.tp + strict.fn:<4} neg={strict.fp + strict.tn:<4}"
        f" | crisis only: recall={strict.recall:.3f} fp={strict.fp_rate:.3f}"
        f" precision={strict.precision:.3f}"
        f" | crisis+unsure: recall={loose.recall:.3f} fp={loose.fp_rate:.3f}"
        f" precision={loose.precision:.3f}"
        f" (TP={loose.tp} FN={loose.fn} FP={loose.fp} TN={loose.tn})"
    )


def report(path: Path, counts_only: bool) -> None:
    cases = load_cases(path)
    start = time.perf_counter()
    results = assess_all(cases)
    elapsed = time.perf_counter() - start
    loose = score(results, True)
    print(f"{path.name}: {len(cases)} messages, {elapsed / max(len(cases), 1) * 1e6:.1f} µs each")
    print(_line("all", results))
    print(f"  must-recall (explicit wording, crisis only): {score(results, False).must_recall:.3f}")
    unsure_pos = sum(r.level == "unsure" and r.case.crisis for r in results)
    unsure_neg = sum(r.level == "unsure" and not r.case.crisis for r in results)
    print(f"  unsure: {unsure_pos} positives, {unsure_neg} negatives; {loose.fn} positives missed")
    for lang in sorted({c.lang for c in cases}):
        print(_line(lang, [r for r in results if r.case.lang == lang]))
    if counts_only:
        return
    for r in results:
        if r.case.crisis and r.level != "crisis":
            print(
                f"  {'unsure' if r.level == 'unsure' else 'MISSED'} [{r.case.lang}]: {r.case.text}"
            )
        elif not r.case.crisis and r.level != "none":
            print(f"  FALSE {r.level} [{r.case.lang}]: {r.case.text}")


def train() -> similarity.Model:
    examples = [
        (crisis.normalise(c.text), c.crisis)
        for path in TUNING_FILES
        if path.exists()
        for c in load_cases(path)
    ]
    return similarity.train(examples)


# --- the learned tier ----------------------------------------------------------------------------

L2 = 1e-5  # cross-validated: 1e-3 and 1e-4 found fewer, 1e-6 no more
EPOCHS = 300
FOLDS = 5
# Threshold choice (leave-one-file-out, see choose_thresholds): the model's "unsure" may add at
# most this share of false alarms on the crisis sets' negatives (hard ones: venting, idioms,
# near-misses written against the lists) and on everyday messages (what the bot mostly reads).
MAX_ADDED_FP = 0.03
MAX_EVERYDAY_FP = 0.01
NEVER = 2.0  # a threshold no probability reaches


def everyday_cases(path: Path = EVERYDAY) -> list[Case]:
    """Everyday messages (every kind but distress) of an understanding set, as negatives."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(str(c["text"]), False, str(c["lang"]), False, "everyday")
        for c in data["cases"]
        if c.get("kind") != "distress"
    ]


def learn_cases() -> list[tuple[str, Case]]:
    """(group, case) for training: the group is the file (one author or batch each)."""
    found: list[tuple[str, Case]] = []
    for path in LEARN_FILES:
        if path.name in NEVER_TRAIN:
            raise ValueError(f"{path.name} is a held-out set: never trained on")
        found.extend((path.stem, case) for case in load_cases(path))
    found.extend(("everyday", case) for case in everyday_cases(EVERYDAY))
    return found


def fingerprint(cases: Sequence[Case]) -> str:
    """Of the training data and settings: the stored model is in step when this matches."""
    digest = hashlib.sha256(f"{learned.BITS} {learned.CHAR_SIZES} {L2} {EPOCHS}\\n".encode())
    # The model reads the rules' cues (signal categories, guards): a change to the lists is a
    # change to its features, so it is retrained with them.
    for path in (signals.SIGNALS, phrases.PHRASES):
        digest.update(path.read_bytes())
    for case in cases:
        digest.update(f"{int(case.crisis)}\\t{case.lang}\\t{case.text}\\n".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Prepared:
    """Everything about the training cases that does not depend on the model."""

    groups: list[str]
    cases: list[Case]
    folded: list[str]
    rows: list[learned.Indices]
    labels: npt.NDArray[np.float64]
    # The detector without the model: phrases and signals, and (unless a guard matched) the
    # similarity layer. ``prepare`` fills it with the shipped similarity weights (in-sample for
    # the tuning files); ``out_of_fold`` returns a copy whose similarity is out of fold too.
    rule_level: list[crisis.Level]
    signal_level: list[crisis.Level]  # phrases and signals only
    guarded: npt.NDArray[np.bool_]


def prepare(pairs: Sequence[tuple[str, Case]]) -> Prepared:
    phrase_rules, signal_rules = phrases.compiled(), signals.compiled()
    sim = similarity.compiled()
    folded_all, rows, levels, signal_levels, guarded = [], [], [], [], []
    for _, case in pairs:
        folded = crisis.normalise(case.text)
        is_guarded = signals.guarded(signal_rules, folded)
        found = signals.find(signal_rules, folded)
        folded_all.append(folded)
        rows.append(learned.features(folded, crisis.cues(found, is_guarded)))
        signal_levels.append(crisis.assess_with(phrase_rules, signal_rules, case.text).level)
        levels.append(crisis.assess_with(phrase_rules, signal_rules, case.text, sim).level)
        guarded.append(is_guarded)
    return Prepared(
        groups=[g for g, _ in pairs],
        cases=[c for _, c in pairs],
        folded=folded_all,
        rows=rows,
        labels=np.array([c.crisis for _, c in pairs], dtype=np.float64),
        rule_level=levels,
        signal_level=signal_levels,
        guarded=np.array(guarded, dtype=bool),
    )


def _fit(data: Prepared, chosen: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.float64], float]:
    picked = np.flatnonzero(chosen)
    rows = learned.Rows.of([data.rows[i] for i in picked])
    return learned.fit(rows, data.labels[picked], l2=L2, epochs=EPOCHS)


TUNING_STEMS = frozenset(path.stem for path in TUNING_FILES)


def out_of_fold(
    data: Prepared, folds: npt.NDArray[np.int64]
) -> tuple[Prepared, npt.NDArray[np.float64]]:
    """Each case's probability from a model trained without its fold, and the data with each
    case's rule level from similarity weights learnt without its fold (as shipped: from the
    tuning files)."""
    scores = np.zeros(len(data.cases))
    levels = list(data.signal_level)
    for fold in sorted(set(folds.tolist())):
        weights, bias = _fit(data, folds != fold)
        model = learned.Model(weights.astype(np.float32), bias, 1.0, 1.0, NEVER, "")
        sim = similarity.train(
            (data.folded[i], data.cases[i].crisis)
            for i in np.flatnonzero(folds != fold)
            if data.groups[i] in TUNING_STEMS
        )
        for i in np.flatnonzero(folds == fold):
            z = learned.logit(model, data.rows[i])
            scores[i] = 0.0 if z == -np.inf else 1.0 / (1.0 + np.exp(-z))
            if (
                levels[i] == "none"
                and not data.guarded[i]
                and similarity.similar(sim, data.folded[i])
            ):
                levels[i] = "unsure"
    return replace(data, rule_level=levels), scores


def random_folds(data: Prepared) -> npt.NDArray[np.int64]:
    """Stable folds from a checksum of the text (no random state)."""
    return np.array(
        [zlib.crc32(c.text.encode("utf-8")) % FOLDS for c in data.cases], dtype=np.int64
    )


def author_folds(data: Prepared) -> npt.NDArray[np.int64]:
    """One fold per crisis file (a new author or batch each time); everyday messages are spread
    over the folds by checksum."""
    names = sorted({g for g in data.groups if g != "everyday"})
    return np.array(
        [
            names.index(g) if g != "everyday" else zlib.crc32(c.text.encode("utf-8")) % len(names)
            for g, c in zip(data.groups, data.cases, strict=True)
        ],
        dtype=np.int64,
    )


def combined(
    data: Prepared, scores: npt.NDArray[np.float64], unsure: float, guarded: float, sure: float
) -> list[crisis.Level]:
    levels: list[crisis.Level] = []
    for level, p, is_guarded in zip(data.rule_level, scores, data.guarded, strict=True):
        if level == "none" and p >= (guarded if is_guarded else unsure):
            level = "crisis" if p >= sure and not is_guarded else "unsure"
        levels.append(level)
    return levels


def _rates(
    data: Prepared, levels: Sequence[crisis.Level], chosen: Sequence[bool], with_unsure: bool = True
) -> tuple[float, float, int, int]:
    """(recall, false-positive rate, positives, negatives) over the chosen cases."""
    pos = neg = tp = fp = 0
    for case, level, keep in zip(data.cases, levels, chosen, strict=True):
        if not keep:
            continue
        hit = level == "crisis" or (with_unsure and level == "unsure")
        if case.crisis:
            pos, tp = pos + 1, tp + hit
        else:
            neg, fp = neg + 1, fp + hit
    return tp / max(pos, 1), fp / max(neg, 1), pos, neg


def choose_thresholds(
    data: Prepared, scores: npt.NDArray[np.float64]
) -> tuple[float, float, float]:
    """(unsure, guarded, crisis) from out-of-fold scores.

    unsure: the lowest threshold whose added false alarms stay within the budgets (crisis sets'
    negatives, everyday messages). guarded (a guard explained the crisis words): the lowest
    threshold at or above ``unsure`` where the raised guarded messages are at least half
    positives, and at least ``MIN_EVIDENCE`` of them; else never. crisis (telling, not asking):
    the lowest threshold above which no negative the rules left alone scored and at least 1% of
    all positives did; else never."""
    crisis_sets = [g != "everyday" for g in data.groups]
    everyday = [g == "everyday" for g in data.groups]
    base_fp = _rates(data, data.rule_level, crisis_sets)[1]
    base_everyday = _rates(data, data.rule_level, everyday)[1]
    grid = [round(0.30 + 0.01 * i, 2) for i in range(70)]

    def fits(unsure: float) -> bool:
        levels = combined(data, scores, unsure, NEVER, NEVER)
        return (
            _rates(data, levels, crisis_sets)[1] <= base_fp + MAX_ADDED_FP
            and _rates(data, levels, everyday)[1] <= base_everyday + MAX_EVERYDAY_FP
        )

    unsure = next((t for t in grid if fits(t)), 0.99)
    left = [level == "none" for level in data.rule_level]
    guard = NEVER
    for t in [*grid, 0.99, 0.995, 0.999]:
        if t < unsure:
            continue
        pos, neg = _above(
            data, scores, t, [x and g for x, g in zip(left, data.guarded, strict=True)]
        )
        if pos >= MIN_EVIDENCE and pos >= neg:
            guard = t
            break
    sure = NEVER
    for t in [*grid, 0.99, 0.995, 0.999]:
        pos, neg = _above(
            data, scores, t, [x and not g for x, g in zip(left, data.guarded, strict=True)]
        )
        if neg == 0 and pos >= 0.01 * data.labels.sum():
            sure = t
            break
    return unsure, guard, sure


MIN_EVIDENCE = 5


def _above(
    data: Prepared, scores: npt.NDArray[np.float64], threshold: float, chosen: Sequence[bool]
) -> tuple[int, int]:
    """(positives, negatives) among the chosen cases scoring at or above the threshold."""
    pos = neg = 0
    for case, p, keep in zip(data.cases, scores, chosen, strict=True):
        if keep and p >= threshold:
            pos, neg = (pos + 1, neg) if case.crisis else (pos, neg + 1)
    return pos, neg


def evidence(data: Prepared, scores: npt.NDArray[np.float64]) -> None:
    """What the guarded and crisis thresholds were decided on (out of fold)."""
    left = [level == "none" for level in data.rule_level]
    guarded = [x and bool(g) for x, g in zip(left, data.guarded, strict=True)]
    plain = [x and not g for x, g in zip(left, data.guarded, strict=True)]
    for t in (0.5, 0.8, 0.9, 0.95, 0.99):
        gp, gn = _above(data, scores, t, guarded)
        pp, pn = _above(data, scores, t, plain)
        print(
            f"  p >= {t:.2f}: guarded messages the rules left alone: {gp} positives,"
            f" {gn} negatives; unguarded: {pp} positives, {pn} negatives"
        )


def cv_report(
    name: str, data: Prepared, scores: npt.NDArray[np.float64], model: learned.Model
) -> None:
    """Per file and language: the detector without the model, then with it (out of fold)."""
    levels = combined(data, scores, model.unsure, model.guarded, model.crisis)
    print(
        f"{name} (out of fold; thresholds unsure={model.unsure:.2f} guarded={model.guarded:.2f}"
        f" crisis={'never' if model.crisis > 1 else f'{model.crisis:.2f}'}):"
    )
    for group in sorted(set(data.groups)):
        for lang in ["all", *sorted({c.lang for c in data.cases})]:
            chosen = [
                g == group and (lang == "all" or c.lang == lang)
                for g, c in zip(data.groups, data.cases, strict=True)
            ]
            if not any(chosen):
                continue
            r0, f0, pos, neg = _rates(data, data.rule_level, chosen)
            r1, f1, _, _ = _rates(data, levels, chosen)
            s1, g1, _, _ = _rates(data, levels, chosen, with_unsure=False)
            print(
                f"  {group:<16} {lang:<4} pos={pos:<4} neg={neg:<4} rules: {r0:.3f} / {f0:.3f}"
                f"  with model: crisis only {s1:.3f} / {g1:.3f}, crisis+unsure {r1:.3f} / {f1:.3f}"
            )


def train_learned(report_cv: bool = True) -> learned.Model:
    data = prepare(learn_cases())
    by_author, by_author_scores = out_of_fold(data, author_folds(data))
    unsure, guard, sure = choose_thresholds(by_author, by_author_scores)
    weights, bias = _fit(data, np.ones(len(data.cases), dtype=bool))
    model = learned.Model(
        weights.astype(np.float16).astype(np.float32),
        bias,
        unsure,
        guard,
        sure,
        fingerprint(data.cases),
    )
    if report_cv:
        cv_report("leave-one-file-out", by_author, by_author_scores, model)
        evidence(by_author, by_author_scores)
        cv_report(f"{FOLDS}-fold by checksum", *out_of_fold(data, random_folds(data)), model)
        unseen = everyday_cases(EVERYDAY_UNSEEN)
        alarms = sum(
            crisis.assess_with(
                phrases.compiled(), signals.compiled(), c.text, similarity.compiled()
            ).level
            == "none"
            and _would_ask(model, c.text)
            for c in unseen
        )
        print(
            f"  {EVERYDAY_UNSEEN.name} (never trained on): the model asks about"
            f" {alarms} of {len(unseen)} everyday messages"
        )
    return model


def _would_ask(model: learned.Model, text: str) -> bool:
    folded = crisis.normalise(text)
    rules = signals.compiled()
    is_guarded = signals.guarded(rules, folded)
    cues = crisis.cues(signals.find(rules, folded), is_guarded)
    threshold = model.guarded if is_guarded else model.unsure
    return learned.probability(model, folded, cues) >= threshold


def main(argv: list[str]) -> int:
    if "--train" in argv:
        model = train()
        similarity.dump(model)
        names = ", ".join(p.name for p in TUNING_FILES if p.exists())
        print(f"{similarity.MODEL.name}: {len(model.weights)} weights from {names}")
        learned_model = train_learned()
        learned.dump(learned_model)
        size = learned.MODEL.stat().st_size
        print(
            f"{learned.MODEL.name}: {size / 1024:.0f} KiB, fingerprint {learned_model.fingerprint}"
        )
        return 0
    counts_only = "--counts" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("-")] or [
        p for p in DEFAULT_FILES if p.exists()
    ]
    crisis.warm_up()
    for path in paths:
        # An unread held-out set is always scored counts-only.
        report(path, counts_only or path.name in NEVER_TRAIN)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
