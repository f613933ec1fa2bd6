import Scenarios
print("x")
