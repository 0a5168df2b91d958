"""The bundled model on real complaints it never saw (../shared/corpora; skipped where absent)."""

import pandas as pd
import pytest
from sklearn.metrics import f1_score

from triage.labels import TYPES

pytestmark = pytest.mark.corpora


def test_real_dev_set_quality_floor(model, corpora):
    dev = pd.read_csv(corpora / "dev" / "complaints_dev.csv", dtype=str, keep_default_na=False)
    res = model.predict(dev["text"].tolist())
    comp = (dev["is_complaint"] == "1").to_numpy()
    types = [max(r.probabilities["type"], key=r.probabilities["type"].get) for r in res]
    type_f1 = f1_score(dev["type"][comp], [t for t, c in zip(types, comp) if c], labels=list(TYPES), average="macro")
    emo_f1 = f1_score(dev["emotion"], [r.emotion for r in res], average="macro")
    # a regression floor well under the measured figures in the README's model card
    assert type_f1 > 0.5, type_f1
    assert emo_f1 > 0.45, emo_f1


def test_reviews_run_without_errors(model, corpora):
    df = pd.read_csv(corpora / "reviews" / "waimai_10k.csv", dtype=str, keep_default_na=False).head(2000)
    out = model.predict_frame(df, text_col="review")
    assert len(out) == len(df)
    assert (out["error"] == "").mean() > 0.99
