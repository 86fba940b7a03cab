"""Training stages (SFT, DPO) on curated artifacts."""
