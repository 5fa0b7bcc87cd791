import pytest


@pytest.fixture(scope="session")
def catalog_sites():
    from placement.catalogs import load_ground_sites

    return load_ground_sites()


@pytest.fixture(scope="session")
def default_site_scores(catalog_sites):
    from placement.scenario import default_scenario
    from placement.ground.sites import score_sites

    sc = default_scenario()
    return score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")
