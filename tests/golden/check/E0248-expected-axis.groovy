pipeline {
    agent none
    stages {
        stage('a') {
            matrix {
                axes {
                    name 'OS'
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
