@flow-tradeNO
Feature: Signatures in both directions
  Every request, response and notification is signed over the exact bytes sent, with the
  sender's key, under the sender's client id and a fresh time (docs/protocol.md, "Signing"). A party
  refuses what it cannot trust, INVALID_SIGNATURE or INVALID_CLIENT, and changes nothing; it
  accepts every tolerated variant of the header. When the kit plays the merchant it forges
  requests to the wallet; when it plays the wallet it forges notifications to the merchant.

  @wallet @wallet-api @REQ-SIG-001 @step-4 @step-5
  Scenario Outline: The wallet refuses a pay request <forgery>
    When the kit sends a pay request "<forgery>"
    Then the wallet refuses with "<code>"
    And the wallet's answer is signed with its key
    And the wallet has no payment for that request

    Examples:
      | forgery                                       | code              |
      | signed with another key                       | INVALID_SIGNATURE |
      | whose body was changed after signing          | INVALID_SIGNATURE |
      | signed for another path                       | INVALID_SIGNATURE |
      | whose Client-Id was changed after signing     | INVALID_SIGNATURE |
      | signed over its JSON in other bytes           | INVALID_SIGNATURE |
      | with the algorithm RSA512                     | INVALID_SIGNATURE |
      | with the algorithm HS256                      | INVALID_SIGNATURE |
      | with a signature that is not Base64           | INVALID_SIGNATURE |
      | with an empty signature                       | INVALID_SIGNATURE |
      | without a Signature header                    | INVALID_SIGNATURE |
      | without a Request-Time header                 | INVALID_SIGNATURE |
      | without a Client-Id header                    | INVALID_CLIENT    |
      | under a client id the receiver does not know  | INVALID_CLIENT    |

  @wallet @wallet-api @REQ-SIG-001 @step-17
  Scenario Outline: The wallet does not cancel a payment on a cancel <forgery>
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When the kit sends a cancel of the payment "<forgery>"
    Then the wallet refuses with "<code>"
    And the wallet's answer is signed with its key
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

    Examples:
      | forgery                              | code              |
      | signed with another key              | INVALID_SIGNATURE |
      | whose body was changed after signing | INVALID_SIGNATURE |
      | signed over its JSON in other bytes  | INVALID_SIGNATURE |

  @wallet @wallet-api @should @REQ-SIG-002 @step-4 @step-5
  Scenario Outline: The wallet refuses a pay request <forgery>, outside the freshness window
    When the kit sends a pay request "<forgery>"
    Then the wallet should refuse with "INVALID_SIGNATURE"
    And the wallet should have no payment for that request

    Examples:
      | forgery                |
      | signed 6 minutes ago   |
      | signed 6 minutes ahead |

  @wallet @wallet-api @should @REQ-SIG-002 @step-4 @step-5
  Scenario: The wallet accepts a pay request signed 4 minutes ago, inside the freshness window
    When the kit asks the wallet for a payment of "10.00 USD" signed with "a time 4 minutes old"
    Then the wallet should accept the payment request

  @wallet @wallet-api @REQ-SIG-003 @step-4 @step-5 @step-6 @step-7
  Scenario Outline: The wallet accepts a pay request signed with <variant>
    When the kit asks the wallet for a payment of "10.00 USD" signed with "<variant>"
    Then the wallet accepts the payment request
    And the wallet's answer is signed with its key
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

    Examples:
      | variant                 |
      | raw Base64              |
      | no spaces in the header |
      | epoch milliseconds      |
      | all three variants      |
      | key version 2           |

  @merchant @wallet-mock @REQ-SIG-004 @step-18
  Scenario Outline: The merchant refuses a notification <forgery>
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant receives a "SUCCESS" notification "<forgery>"
    Then the merchant refuses the notification with "<code>"
    And the merchant's order is "PENDING"
    And the merchant's order shows "0.00 USD" paid

    Examples:
      | forgery                                       | code              |
      | signed with another key                       | INVALID_SIGNATURE |
      | whose body was changed after signing          | INVALID_SIGNATURE |
      | signed for another path                       | INVALID_SIGNATURE |
      | whose Client-Id was changed after signing     | INVALID_SIGNATURE |
      | signed over its JSON in other bytes           | INVALID_SIGNATURE |
      | with the algorithm RSA512                     | INVALID_SIGNATURE |
      | with a signature that is not Base64           | INVALID_SIGNATURE |
      | without a Signature header                    | INVALID_SIGNATURE |
      | without a Request-Time header                 | INVALID_SIGNATURE |
      | without a Client-Id header                    | INVALID_CLIENT    |
      | under a client id the receiver does not know  | INVALID_CLIENT    |

  @merchant @wallet-mock @REQ-SIG-005 @step-18
  Scenario Outline: The merchant refuses a well-signed notification <lie>
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant receives a "SUCCESS" notification "<lie>"
    Then the merchant refuses the notification
    And the merchant's order is "PENDING"
    And the merchant's order shows "0.00 USD" paid

    Examples:
      | lie                                           |
      | for another amount                            |
      | in another currency                           |
      | for a payment request the merchant never made |
      | for another payment id                        |

  @merchant @wallet-mock @should @REQ-SIG-006 @step-18
  Scenario Outline: The merchant refuses a notification <forgery>, outside the freshness window
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the merchant receives a "SUCCESS" notification "<forgery>"
    Then the merchant should refuse the notification with "INVALID_SIGNATURE"
    And the merchant's order should still be "PENDING"

    Examples:
      | forgery                |
      | signed 6 minutes ago   |
      | signed 6 minutes ahead |

  @merchant @wallet-mock @REQ-SIG-007 @step-17 @step-18
  Scenario Outline: The merchant accepts a notification signed with <variant>
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant receives a "SUCCESS" notification signed with "<variant>"
    Then the merchant acknowledges the notification
    And the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid

    Examples:
      | variant                 |
      | raw Base64              |
      | no spaces in the header |
      | epoch milliseconds      |
      | all three variants      |
      | key version 2           |

  @merchant @wallet-mock @should @REQ-SIG-008 @step-18
  Scenario: The merchant signs its answer to a notification
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant receives a "SUCCESS" notification signed by the wallet
    Then the merchant should acknowledge the notification
    And the merchant should sign its answer

  @merchant @wallet-mock @preauth @REQ-SIG-005 @step-18
  Scenario Outline: The merchant refuses a well-signed AUTH_SUCCESS notification <lie>
    Given the merchant has created a pre-authorization for "40.00 USD" paid by tradeNO
    When the merchant receives a "AUTH_SUCCESS" notification "<lie>"
    Then the merchant refuses the notification
    And the merchant's order is "PENDING"
    And the merchant's order shows "0.00 USD" authorized

    Examples:
      | lie                 |
      | for another amount  |
      | in another currency |
