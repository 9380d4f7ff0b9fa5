"""Inter-annotator agreement and label aggregation: pure functions of label tables.

A reliability table has one row per item and one column per annotator, with None or NaN where
an annotator gave no label. Nothing here touches a database or a file.
"""

from mentor.agreement.alpha import krippendorff_alpha
from mentor.agreement.bootstrap import Interval, Seed
from mentor.agreement.bradley_terry import BradleyTerry, bradley_terry
from mentor.agreement.coefficient import Agreement
from mentor.agreement.coincidence import Level
from mentor.agreement.comparisons import Comparisons, rankings_to_comparisons
from mentor.agreement.dawid_skene import DawidSkene, dawid_skene
from mentor.agreement.errors import AgreementError
from mentor.agreement.kappa import KappaWeights, cohen_kappa, fleiss_kappa
from mentor.agreement.majority import MajorityVote, TiePolicy, majority_vote
from mentor.agreement.pairwise import PairwiseAgreement, pairwise_agreement
from mentor.agreement.percent import LabelAgreement, percent_agreement, specific_agreement
from mentor.agreement.table import Label, ReliabilityTable

__all__ = [
    "Agreement",
    "AgreementError",
    "BradleyTerry",
    "Comparisons",
    "DawidSkene",
    "Interval",
    "KappaWeights",
    "Label",
    "LabelAgreement",
    "Level",
    "MajorityVote",
    "PairwiseAgreement",
    "ReliabilityTable",
    "Seed",
    "TiePolicy",
    "bradley_terry",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "krippendorff_alpha",
    "majority_vote",
    "pairwise_agreement",
    "percent_agreement",
    "rankings_to_comparisons",
    "specific_agreement",
]
