pipeline {
    agent none
    stages {
        stage('a') {
            matrix {
                axes {
                    axis {
                        name 'OS'
                        values 'linux', "${env.OTHER_OS}"
                    }
                }
                stages {
                    stage('b') {
                        steps {
                            echo 'b'
                        }
                    }
                }
            }
        }
    }
}
