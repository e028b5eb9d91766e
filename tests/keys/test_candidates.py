"""Candidate generation over analysed offers: cross-script near-duplicates meet, stages see clusters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from samesku import schema as S
from samesku.analyse import BrandGazetteer, analyse_offers
from samesku.config import BlockingConfig
from samesku.keys.candidates import stage_candidates, weak_neighbours
from samesku.keys.encoder import CharNgramEncoder
from samesku.tasks import encoder_texts

FILLER = [f"generic product {i} model zz{i:04d}q" for i in range(200)]


def _analysed(titles: list[str]) -> pa.Table:
    offers = pa.table({S.OFFER_ID: [str(i) for i in range(len(titles))], S.TITLE: titles,
                       S.CATEGORY: pa.nulls(len(titles), pa.string())})
    return analyse_offers(offers, BrandGazetteer.learn(offers))


def test_same_product_titles_in_two_scripts_share_a_key():
    titles = ["[무료배송] 리스타 LISTAR 로봇청소기 RX9-1-SGM 화이트", "【送料無料】リスター ロボット掃除機 rx9-1-sgm ホワイト", *FILLER]
    offers = _analysed(titles)
    texts = encoder_texts(offers)
    vectors = CharNgramEncoder().fit(texts).encode(texts)
    cand = stage_candidates(offers, vectors, ("code", "name"), np.arange(len(titles)), BlockingConfig())
    assert [0, 1] in cand.pairs.tolist()


def test_later_stage_never_pairs_offers_already_in_one_cluster():
    titles = ["apple iphone 8 plus 64gb silver", "apple iphone 8 plus 64 gb silber", "apple iphone 8 plus 64gb gold", *FILLER]
    offers = _analysed(titles)
    texts = encoder_texts(offers)
    vectors = CharNgramEncoder().fit(texts).encode(texts)
    clusters = np.arange(len(titles))
    clusters[1] = 0  # offers 0 and 1 were merged by an earlier stage
    cand = stage_candidates(offers, vectors, ("embedding", "name"), clusters, BlockingConfig())
    pairs = {tuple(p) for p in cand.pairs.tolist()}
    assert (0, 1) not in pairs
    assert (0, 2) in pairs or (1, 2) in pairs


def test_an_offer_without_gtin_code_or_brand_searches_embedding_k_weak_title_neighbours():
    from samesku.keys.candidates import weak_offers

    titles = ["built in fully integrated dishwasher", *FILLER]
    offers = _analysed(titles)
    assert weak_offers(offers).tolist() == [True] + [False] * len(FILLER)   # the filler titles carry codes
    texts = encoder_texts(offers)
    vectors = CharNgramEncoder().fit(texts).encode(texts)

    def partners(cfg: BlockingConfig) -> int:
        pairs = stage_candidates(offers, vectors, ("embedding",), np.arange(len(titles)), cfg).pairs
        return int((pairs == 0).any(axis=1).sum())

    assert partners(BlockingConfig(embedding_k=3, embedding_k_weak=3)) < 30
    assert partners(BlockingConfig(embedding_k=3, embedding_k_weak=30)) >= 30


def test_a_catalog_of_mostly_weak_offers_gets_fewer_extra_neighbours_per_weak_offer():
    cfg = BlockingConfig(embedding_k=20, embedding_k_weak=100, weak_share_cap=0.1)
    assert weak_neighbours(40, 1_000, cfg) == 100          # 4 % weak: the full wider search
    assert weak_neighbours(100, 1_000, cfg) == 100         # at the cap
    assert weak_neighbours(1_000, 1_000, cfg) == 28        # all weak: the extra work of 10 % of offers
    assert weak_neighbours(500, 1_000, cfg) == 36


def test_default_first_stage_pairs_offers_whose_titles_differ_but_image_hashes_nearly_agree():
    titles = ["sepatu lari pria hitam ukuran 42", "men running shoes black size 42", *FILLER]
    offers = _analysed(titles)
    hashes = ["a1b2c3d4e5f60718", "a1b2c3d4e5f60719", *(f"{i * 7919:016x}" for i in range(len(FILLER)))]
    offers = offers.append_column(S.IMAGE_PHASH, pa.array(hashes))
    texts = encoder_texts(offers)
    vectors = CharNgramEncoder().fit(texts).encode(texts)
    first = BlockingConfig().stages[0]
    cand = stage_candidates(offers, vectors, first, np.arange(len(titles)), BlockingConfig())
    assert [0, 1] in cand.pairs.tolist()
    without = tuple(f for f in first if f != "phash")
    assert [0, 1] not in stage_candidates(offers, vectors, without, np.arange(len(titles)), BlockingConfig()).pairs.tolist()


def test_image_hash_band_mates_far_apart_in_the_whole_hash_are_no_pair():
    titles = ["kaos polos hitam", "black plain t-shirt", "black plain t-shirt cotton", *FILLER]
    offers = _analysed(titles)
    # offer 2 shares offer 0's first 16-bit band by chance; its other 48 bits differ (Hamming 48)
    hashes = ["a1b2c3d4e5f60718", "a1b2c3d4e5f60719", "a1b23c2b1a09f8e7", *(f"{i * 7919:016x}" for i in range(len(FILLER)))]
    offers = offers.append_column(S.IMAGE_PHASH, pa.array(hashes))
    vectors = CharNgramEncoder().fit(encoder_texts(offers)).encode(encoder_texts(offers))
    pairs = stage_candidates(offers, vectors, ("phash",), np.arange(len(titles)), BlockingConfig()).pairs.tolist()
    assert [0, 1] in pairs and [0, 2] not in pairs and [1, 2] not in pairs
    loose = stage_candidates(offers, vectors, ("phash",), np.arange(len(titles)), BlockingConfig(phash_max_distance=64))
    assert [0, 2] in loose.pairs.tolist()
