"""Answers: who may answer where (household code or commune link), recording one household's answers
for every channel, and assisted collection by cadres (/h/..., /c/..., /committee/collect/...).
"""
